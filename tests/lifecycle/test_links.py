"""Links between documents (zhida.lifecycle.links) and the validity they change."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from zhida import config
from zhida.documents.pipeline import parse_text
from zhida.lifecycle.links import extract_links
from zhida.rules import load_policies

NOTICE = """北京市人民政府关于印发《北京市支持中小企业发展若干措施》的通知
京政发〔2023〕5号
各区人民政府：
一、加大财政支持。对符合条件的企业给予最高100万元奖励。
二、为贯彻落实《国务院关于进一步支持小微企业和个体工商户发展有关政策措施的通知》（国发〔2022〕7号），做好服务。
三、《北京市关于加快发展专精特新企业的实施意见》（京政发〔2020〕3号）有效期延长至2024年12月31日。
本措施自2023年3月1日起施行，《北京市促进中小企业发展的若干措施》（京政发〔2019〕9号）同时废止。原《北京市稳就业若干措施》继续执行。
北京市人民政府
2023年2月1日
"""


def test_each_kind_of_link_is_read_with_its_date_and_sentence():
    doc = parse_text(NOTICE)
    links = {(link.kind, link.target_number or link.target_title): link for link in extract_links(doc)}
    assert set(links) == {
        ("implements", "国发〔2022〕7号"),
        ("extends", "京政发〔2020〕3号"),
        ("repeals", "京政发〔2019〕9号"),
        ("continues", "北京市稳就业若干措施"),
    }
    repeal = links[("repeals", "京政发〔2019〕9号")]
    assert repeal.target_title == "北京市促进中小企业发展的若干措施"
    assert repeal.on == dt.date(2023, 3, 1) and repeal.basis == "句中日期"
    assert doc.original[repeal.start:repeal.end].startswith("本措施自2023年3月1日起施行")
    assert "同时废止" in repeal.quote
    assert links[("extends", "京政发〔2020〕3号")].on == dt.date(2024, 12, 31)
    # 继续执行 with no date of its own takes the document's effective date
    continues = links[("continues", "北京市稳就业若干措施")]
    assert continues.on == dt.date(2023, 3, 1) and continues.basis == "本文件施行日期"


def test_a_sentence_about_the_document_itself_is_not_a_link():
    doc = parse_text("关于支持企业的措施\n一、对企业给予奖励。\n本措施有效期延长至2025年12月31日。\n")
    assert extract_links(doc) == []


def test_traditional_script_links_are_read_and_quoted_as_printed():
    doc = parse_text("關於支持企業的措施\n一、對企業給予獎勵。\n本措施自2023年1月1日起施行，《臺北市促進產業發展辦法》同時廢止。\n")
    (link,) = extract_links(doc)
    assert link.kind == "repeals" and link.target_title == "台北市促进产业发展办法"
    assert "同時廢止" in link.quote and link.on == dt.date(2023, 1, 1)


REPEALER = """北京市人民政府办公厅关于印发《北京市先进制造业稳增长若干措施》的通知
京政办发〔2022〕30号
一、加强要素保障。
本措施自2022年9月1日起施行，《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）同时废止。
"""


@pytest.fixture
def policies_with_a_repeal(tmp_path, monkeypatch):
    root = tmp_path / "policies"
    shutil.copytree(config.POLICIES_DIR, root)
    (root / "sources" / "900_repealer.txt").write_text(REPEALER, encoding="utf-8")
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))  # the parse cache
    return load_policies(root)


def test_a_repealed_documents_measures_expire_on_the_repeal_date_with_the_quote(policies_with_a_repeal):
    policies = policies_with_a_repeal
    of_000 = [m for m in policies.measures.values() if m.document.startswith("000_")]
    assert of_000
    for measure in of_000:
        change = measure.period.changed_by
        assert change is not None and change.kind == "repeals" and change.document == "900_repealer"
        assert change.last_day == dt.date(2022, 8, 31)
        assert "同时废止" in change.quote
        assert measure.period.label(dt.date(2022, 8, 31)) == "in_force" or measure.period.start
        assert measure.period.label(dt.date(2022, 9, 1)) == "expired"
    others = [m for m in policies.measures.values() if not m.document.startswith("000_")]
    assert all(m.period.changed_by is None for m in others)


def test_the_expired_reason_quotes_the_repealing_document(policies_with_a_repeal):
    from zhida.matching.match import match_enterprise

    policies = policies_with_a_repeal
    measure = next(m for m in policies.measures.values() if m.document.startswith("000_") and m.period.start is None)
    profile = {"entity_type": "enterprise", "region_code": "110108", "industry_code": "3411"}
    (result,) = match_enterprise(profile, dt.date(2022, 10, 1), [measure], policies)
    assert result.period == "expired"
    (reason,) = [r for r in result.reasons if r.condition == "period"]
    assert "北京市先进制造业稳增长若干措施" in reason.text and "2022-08-31" in reason.text
    assert "同时废止" in reason.quote


def test_the_seed_library_has_no_repeal_among_its_five_documents():
    # the five seeds cite national documents but repeal none of each other: no period changes
    policies = load_policies()
    assert all(m.period.changed_by is None for m in policies.measures.values())


def test_stored_documents_show_their_links_both_ways(tmp_path):
    from zhida.lifecycle import stored
    from zhida.store import open_store
    from zhida.store.ingest import ingest_document

    store = open_store(f"sqlite:///{tmp_path / 'z.db'}")
    old = parse_text("北京市促进中小企业发展的若干措施\n京政发〔2019〕9号\n一、对企业给予奖励。\n", name="old.txt")
    new = parse_text(NOTICE, name="new.txt")
    ingest_document(store, new, "new", update_index=False)
    ingest_document(store, old, "old", update_index=False)  # the target arrives after the link: still found
    out = stored.graph(store, "new")["outgoing"]
    repeal = next(link for link in out if link["kind"] == "repeals")
    assert repeal["other"] == "old" and repeal["on"] == "2023-03-01" and "同时废止" in repeal["quote"]
    assert next(link for link in out if link["kind"] == "implements")["other"] is None  # not stored here
    incoming = stored.graph(store, "old")["incoming"]
    assert [(link["kind"], link["other"]) for link in incoming] == [("repeals", "new")]
    # relink rebuilds the same rows from the stored clauses
    before = stored.graph(store, "new")["outgoing"]
    assert stored.relink(store) == len(before) + len(stored.graph(store, "old")["outgoing"])
    assert stored.graph(store, "new")["outgoing"] == before
