"""One Chinese vocabulary for every code a user may see.

Values of code facts (national, private, chinext …) take their words from the fact catalogue
(``values: {code: 标签}`` in policies/facts); the other codes that reach a page, a report or a CLI
line — review statuses, measure kinds, error codes, audit actions — are named here, once (how a
document and a clause are cited is zhida.documents.citation). Templates call one filter (``{{ code | zh("review_status") }}``); Python calls ``zh``.
``tests/rules/test_vocabulary.py`` fails when a code that can reach a user has no word.
"""

from __future__ import annotations


from zhida.rules.model import BASIS_ZH, BENEFICIARY_ZH, DOCUMENT_STATUS_ZH, KIND_ZH

REVIEW_STATUS_ZH = {"draft": "待审核", "reviewed": "已审核"}
APPLICATION_ZH = {"免申即享": "免申即享", "申报": "需申报", "unknown": "申报方式未明确"}
MATCH_STATUS_ZH = {"eligible": "可享受", "undetermined": "待确认", "ineligible": "不符合", "not_applicable": "不适用"}
PERIOD_ZH = {"in_force": "有效期内", "expired": "已过期", "not_yet_effective": "尚未生效"}
AMOUNT_KIND_ZH = {"exact": "按公式计算", "maximum": "最高（上限）", "minimum": "不低于（下限）", "range": "区间",
                  "not_stated": "原文未明确金额"}
NOT_ENCODED_ZH = {
    "no_enterprise_beneficiary": "无企业受益对象（政府任务、平台或机制）",
    "government_internal": "政府内部工作",
    "individual_beneficiary": "受益对象为个人",
    "no_determinable_condition": "无可判定的条件或待遇",
    "not_a_measure": "非政策措施（标题、背景或结语）",
    "encoded_elsewhere": "已在其他条款的措施中编码",
}
# How far a clause has been turned into rules: staff and enterprises read 政策解析进度, not 编码
PARSING_ZH = {"encoded": "已解析", "not_encoded": "无需解析", "open": "待解析", "unknown": "解析暂不可用"}
ERROR_ZH = {
    "not_authenticated": "未登录", "forbidden": "无权访问", "csrf_failed": "页面已过期", "not_found": "未找到",
    "conflict": "内容冲突", "invalid": "请求有误", "too_large": "内容过大", "too_many_attempts": "尝试次数过多",
    "precondition_failed": "内容已被修改", "internal_error": "系统内部错误", "method_not_allowed": "不支持的操作",
    "unavailable": "服务暂不可用", "too_many_requests": "访问过于频繁", "bad_credentials": "用户名或密码错误", "bad_request": "请求有误", "http_error": "请求失败",
}
AUDIT_ACTION_ZH = {
    "login": "登录", "login_failed": "登录失败", "login_throttled": "登录被暂时锁定", "logout": "退出",
    "create": "新建", "update": "修改", "change_password": "修改密码", "reset_password": "重置密码",
    "supply_fact": "补充企业信息", "judge_open_criterion": "认定未量化标准", "import": "导入企业数据",
    "export": "导出", "whatif": "模拟测算", "batch_start": "启动批量匹配", "batch_cancel": "取消批量匹配",
    "activate": "启用账户", "deactivate": "停用账户",
    # the service desk (zhida.desk)
    "desk_request_submit": "提交诉求", "desk_request_merge": "并单", "desk_consult_opinion": "提出会商意见",
    "desk_hotline_import": "导入12345工单", "desk_package_create": "新建服务包", "desk_package_members": "加入服务包企业",
    "desk_package_officer": "指定服务管家", "desk_need_add": "登记服务需求", "desk_need_update": "更新服务需求",
    "desk_visit_plan": "安排走访", "desk_visit_record": "记录走访", "desk_plan_save": "保存一企一策",
    # registries (zhida.registries)
    "registry_enter": "纳入企业库", "registry_leave": "移出企业库", "registry_mirror": "同步企业入库记录",
    "registry_flag": "动态管理提示", "registry_flag_resolve": "处理动态管理提示", "registry_target": "设定培育目标",
    "registry_import": "导入名单", "registry_batch": "批量筛选候选企业",
    # the workflow engine (a transition's own label is kept in the entry: audit_view shows it)
    "workflow_start": "发起流程", "workflow_escalate": "超时转督办",
    "workflow_start_many": "批量发起流程", "workflow_fire_many": "批量办理流程",
    # 政策兑现 (zhida.payouts)
    "application_create": "新建兑现申请", "application_declare": "确认申报承诺", "application_attach": "上传申报材料",
    "application_detach": "删除申报材料", "application_materials": "设定材料清单", "application_amount": "核定兑现金额",
    "exempt_build": "生成免申即享名单", "exempt_confirm": "确认免申即享名单", "payout_reserve": "登记兑现台账",
    "payout_reserve_many": "批量登记兑现台账",
    "payout_budget": "设定资金池",
    # projects, 首谈制, the industrial map and financing (zhida.projects, zhida.finance)
    "project_create": "登记项目", "project_update": "修改项目", "project_document": "上传项目材料",
    "shoutan_register": "登记首谈项目", "parcel_create": "登记地块", "parcel_update": "修改地块",
    "map_district": "修改产业地图", "finance_product_create": "新增金融产品", "finance_product_update": "修改金融产品",
    "finance_need_post": "发布融资需求", "desk_package_covers": "服务包覆盖项目库",
    # supervision and monitoring (zhida.supervision, zhida.monitoring)
    "sv_task_draft": "起草督办任务", "sv_task_edit": "修改督办任务", "sv_report_submit": "报送任务进展",
    "monitoring_import": "导入监测数据", "monitoring_alert": "生成预警", "monitoring_alert_close": "关闭预警",
    "monitoring_alert_desk": "预警转诉求", "monitoring_evaluation": "亩均评价",
    "monitoring_key_enterprise": "维护重点企业名单", "monitoring_analysis_generate": "生成运行分析",
    "monitoring_analysis_edit": "修改运行分析文字", "monitoring_grade_fact": "亩均档次写入企业画像",
    # drafted rules (zhida.drafting)
    "rule_draft": "起草措施", "rule_draft_edit": "修改措施草稿", "rule_draft_dismiss": "不予采用措施草稿",
    "rule_publish": "发布措施", "rule_import": "导入措施文件", "rule_export": "导出措施文件",
    # 政策征集 (zhida.consultation)
    "consultation_open": "发起政策征集", "consultation_comment": "提交意见", "consultation_answer": "答复意见",
}
AUDIT_ENTITY_ZH = {"user": "用户", "enterprise": "企业", "enterprise_import": "企业导入", "job": "批量任务",
                   "measure": "措施", "push_list": "推送清单", "session": "会话", "desk_request": "诉求",
                   "desk_package": "服务包", "desk_need": "服务需求", "desk_visit": "走访", "desk_plan": "一企一策",
                   "desk_figures": "三率统计", "notify_settings": "通知设置", "registry": "企业库",
                   "registry_membership": "入库记录", "registry_proposal": "入库申请",
                   "application": "兑现申请", "exempt_list": "免申即享名单", "exempt_item": "免申即享事项",
                   "payout": "兑现台账", "payout_budget": "资金池", "project": "项目", "parcel": "地块",
                   "map_district": "产业地图", "finance_need": "融资需求", "finance_product": "金融产品",
                   "sv_task": "督办任务", "sv_report": "进展报送", "mon_alert": "预警", "mon_evaluation": "亩均评价",
                   "mon_import": "监测数据导入", "rule_draft": "措施草稿", "rule_version": "措施版本",
                   "consultation": "政策征集", "mon_key_enterprise": "重点企业名单", "mon_analysis": "运行分析"}
# request fields named in a Chinese error line ("页码无效：应为整数"); the API's `field` keeps the code
FIELD_ZH = {
    "email": "通知邮箱",
    "page": "页码", "per_page": "每页条数", "as_of": "评估日期", "q": "检索词", "doc": "文件", "document": "文件",
    "clause_id": "条款", "unit": "责任单位", "beneficiary": "受益对象", "issuer": "发文机关", "region": "所属区域",
    "industry": "行业", "measure": "措施", "uscc": "统一社会信用代码", "file": "上传文件", "fact": "企业信息项",
    "value": "取值", "criterion": "未量化标准", "met": "认定结果", "note": "说明", "username": "用户名",
    "password": "密码", "current_password": "当前密码", "new_password": "新密码", "display_name": "显示名称",
    "role": "角色", "units": "责任单位", "active": "启用状态", "job_id": "任务编号", "import_id": "导入编号",
    "user_id": "用户编号", "parameter": "参数", "path": "参数路径", "profile": "企业画像", "next": "跳转地址",
    "csrf_token": "表单令牌", "changes": "参数修改", "set": "参数修改", "revision": "版本",
}
ROLE_ZH = {"admin": "管理员", "staff": "部门用户", "enterprise": "企业用户"}
QUALIFICATION_ZH = {"zjtx_sme": "专精特新中小企业", "little_giant": "专精特新“小巨人”企业", "high_tech": "高新技术企业",
                    "tech_sme": "科技型中小企业", "innovative_sme": "创新型中小企业", "single_champion": "制造业单项冠军企业"}
SCRIPT_ZH = {"simplified": "简体", "traditional": "繁体", "mixed": "简繁混排"}

VOCABULARIES: dict[str, dict[str, str]] = {
    "review_status": REVIEW_STATUS_ZH, "application": APPLICATION_ZH, "period": PERIOD_ZH,
    "match_status": MATCH_STATUS_ZH,
    "amount_kind": AMOUNT_KIND_ZH, "not_encoded": NOT_ENCODED_ZH, "parsing": PARSING_ZH, "error": ERROR_ZH,
    "audit_action": AUDIT_ACTION_ZH, "audit_entity": AUDIT_ENTITY_ZH, "field": FIELD_ZH, "role": ROLE_ZH, "script": SCRIPT_ZH,
    "qualification": QUALIFICATION_ZH,
    "measure_kind": KIND_ZH, "beneficiary": BENEFICIARY_ZH, "document_status": DOCUMENT_STATUS_ZH,
    "basis": BASIS_ZH,
}


def zh(code, vocabulary: str) -> str:
    """The Chinese word for ``code`` in ``vocabulary`` (a vocabulary name above, ``fact:<name>`` for a
    code fact's values, ``event`` for an event type); an unknown code is shown as 未知, never as itself."""
    if code is None or code == "":
        return "—"
    if vocabulary.startswith("fact:"):
        return fact_value(vocabulary[5:], code)
    if vocabulary == "event":  # the catalogue's event types (设备购置, 房租减免 …)
        from zhida.enterprises.facts import catalogue

        return str(catalogue().events.get(str(code), {}).get("label_zh") or "其他事项")
    return VOCABULARIES[vocabulary].get(str(code), "未知")


def fact_value(name: str, code) -> str:
    """A code fact's value in words ('chinext' of listing.board → 创业板), a yes/no as 是/否; other
    values as given."""
    from zhida.enterprises.facts import catalogue

    if isinstance(code, bool):
        return "是" if code else "否"

    fact = catalogue().get(name)
    return fact.value_label(code) if fact is not None and fact.type == "code" else str(code)


def fact_label(name: str) -> str:
    """A fact, concept or open criterion by its Chinese label (投资项目·项目类型, 〔…〕), never its name."""
    from zhida.matching.match import load_default_policies
    from zhida.rules.describe import label

    worded = label(name, load_default_policies())
    return "企业信息项" if worded == name else worded
