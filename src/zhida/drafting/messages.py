"""Rule errors as one Chinese line naming the field (the review page shows nothing else).

The loader's errors name the place as ``<file> [<measure id>] <field>`` and give a reason in
English for the command line; here the field becomes its Chinese name and the reason one of a
few Chinese sentences. The raw line stays in the audit trail and the CLI."""

from __future__ import annotations

import re

from zhida.errors import RuleError

FIELD_ZH = {
    "id": "编号", "title": "标题", "benefit": "权益编号", "kind": "政策类别", "beneficiary": "受益对象",
    "sources": "出处", "quote": "引文", "clause": "条款", "jurisdiction": "适用地域", "jurisdiction_basis": "地域依据",
    "period": "执行期限", "application": "申报方式", "application_quote": "申报方式引文",
    "responsible_units": "责任单位", "review": "审核信息", "conditions": "条件", "open_criteria": "待认定标准",
    "amount": "金额", "expr": "表达式", "cap": "上限", "floor": "下限", "upper": "上端", "unit": "单位",
    "payers": "出资方", "uses": "引用概念", "note": "备注", "label": "说明", "from": "起始日期", "to": "截止日期",
    "status": "状态", "date": "日期", "document": "文件", "measures": "措施", "sum_of_parts": "分项求和",
    "part": "份额", "payer": "出资方",
}
REASONS = [
    (r"^required", "必填"),
    (r"not found in|quote not found", "引文在原文中找不到（须逐字摘自所引条款）"),
    (r"unknown fact '([^']+)'", "未知的事实 {0}（见事实目录）"),
    (r"unknown open criterion '([^']+)'", "未声明的待认定标准 {0}（须写在待认定标准中）"),
    (r"unknown field", "不认识的字段"),
    (r"is not one of ([^;]+)", "取值须为以下之一：{0}"),
    (r"bad date", "日期格式应为 YYYY-MM-DD"),
    (r"from is after to", "起始日期晚于截止日期"),
    (r"a dated period needs the quote", "写了日期就须给出原文引文"),
    (r"duplicate measure id", "编号重复"),
    (r"duplicate condition id|duplicate open criterion id", "编号重复"),
    (r"id must look like", "编号格式应为小写、以点分隔（如 cy2022.rent-relief）"),
    (r"is not a condition", "须为判断条件（结果为是或否）"),
    (r"not an amount", "须为金额（数值）"),
    (r"is not referenced by any condition", "未被任何条件引用（在条件中写 open.<编号>）"),
    (r"cannot parse|not valid YAML", "无法解析（请检查格式）"),
    (r"cannot compare", "比较的两边类型不一致"),
    (r"division is not allowed", "不允许除法（比例写作 * 0.10）"),
    (r"IS NULL|COALESCE", "不允许 IS NULL / COALESCE"),
    (r"is not a value of this code", "不是该代码事实的取值"),
    (r"unknown zone|is not a GB/T 2260 code", "不是行政区划代码或功能区"),
    (r"required for kind", "该金额类别须写表达式"),
    (r"application_quote", "须给出写明申报方式的原文"),
    (r"unknown document|ambiguous document", "文件不存在"),
    (r"has no clause", "文件中没有该条款"),
    (r"must equal the file stem", "文件编号与文件不符"),
    (r"a measure is a mapping|each ", "结构不正确"),
    (r"must be one of", "取值不在允许范围内"),
    (r"lower_snake_case", "编号须为小写字母、数字和下划线"),
]
_WHERE = re.compile(r"^(?P<file>\S+)?\s*(?:\[(?P<id>[^\]]*)\])?\s*(?P<field>.*)$")


def field_zh(path: str) -> str:
    """``conditions[revenue_min].expr`` → ``条件 revenue_min 的表达式``."""
    parts = []
    for token in re.findall(r"[a-z_]+|\[[^\]]*\]|\d+", path or ""):
        if token.startswith("["):
            parts.append(f" {token[1:-1]} ")
        else:
            parts.append(FIELD_ZH.get(token, token))
    text = "".join(parts).strip()
    return re.sub(r"\s+(?=\S)", " ", text).replace(" 的", "的") or "措施"


def zh(error: RuleError) -> str:
    where = error.where or ""
    found = _WHERE.match(where)
    path = (found.group("field") if found else where) or ""
    if found and found.group("id") is None and not path:
        path = ""
    reason = error.reason
    for pattern, text in REASONS:
        hit = re.search(pattern, reason)
        if hit:
            return f"{field_zh(path)}：{text.format(*hit.groups())}"
    return f"{field_zh(path)}：不符合规则格式"
