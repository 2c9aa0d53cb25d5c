"""The audit page's rows: who, when (Beijing time), what, from where, and what changed in words."""

from zhida.web.audit_view import readable


def entry(**fields):
    return {"at": "2026-12-03T04:30:06+00:00", "actor": "admin", "action": "update", "entity": "user",
            "entity_id": "2", "before": None, "after": None, "detail": None, "client": "10.0.0.8", **fields}


def test_a_user_change_reads_field_by_field():
    row = readable(entry(before={"id": 2, "role": "staff", "active": True, "region": "110105"},
                         after={"id": 2, "role": "admin", "active": False, "region": "110105"}))
    assert row["at"] == "2026-12-03 12:30:06" and row["action"] == "修改" and row["target"] == "用户 2"
    assert row["changes"] == ["角色：部门用户 → 管理员", "启用状态：是 → 否"] and row["client"] == "10.0.0.8"


def test_a_new_user_lists_what_was_set_and_a_cli_actor_is_named_so():
    row = readable(entry(actor="cli:root", action="create", entity_id="3",
                         after={"id": 3, "username": "cy", "units": ["区科委"], "region": "110105", "uscc": None}))
    assert row["actor"] == "命令行（root）" and row["action"] == "新建"
    assert row["changes"] == ["用户名：cy", "责任单位：区科委", "所属区域：朝阳区"]


def test_imports_and_profiles_show_counts_and_a_sentence_not_json():
    imported = readable(entry(action="import", entity="enterprise_import", entity_id="7", detail="上传导入 a.xlsx",
                              after={"import_id": 7, "rows_read": 10, "stored": 8, "rejected_rows": 2}))
    assert imported["changes"] == ["读取行数：10", "已保存：8", "拒收行数：2"] and imported["action"] == "导入企业数据"
    profile = readable(entry(action="supply_fact", entity="enterprise", before={"figures": {}},
                             after={"figures": {"2021": {"revenue": "1"}}}, detail="补充“营业收入”：1"))
    assert profile["changes"] == ["企业画像已更新"] and profile["target"].startswith("企业")
    assert readable(entry(action="login", detail="登录"))["detail"] == ""


def test_a_what_if_names_its_measure_by_title_not_its_id_or_parameter_path():
    from zhida.matching.match import load_default_policies

    measure = next(iter(load_default_policies().measures.values()))
    row = readable(entry(action="whatif", entity="measure", entity_id=measure.id,
                         detail=f"模拟测算《{measure.title}》金额上限：100", after={"parameter": "amount.cap", "value": "100"}))
    assert row["target"] == f"措施《{measure.title}》" and row["changes"] == []
    assert measure.id not in str(row) and "amount.cap" not in str(row)
    gone = readable(entry(action="whatif", entity="measure", entity_id="no.such-measure"))
    assert gone["target"] == "措施（已不在政策库中）"


def test_a_workflow_step_reads_as_its_declared_label():
    row = readable(entry(action="workflow:correct", entity="application", entity_id="7",
                         after={"state": "correcting", "version": 3, "case": 1, "step": "要求补正"}, detail="缺营业执照"))
    assert row["action"] == "要求补正" and row["target"].startswith("兑现申请")
    assert readable(entry(action="workflow:old", entity="application", entity_id="7"))["action"] == "办理流程"
