"""政策咨询: a draft answer to a policy question, assembled only from clauses and template frames.

Every line of a draft is one of ``FRAMES`` with its slots filled from: the question as asked,
clause quotes (exact substrings of the clause text, ``evidence``), citations
(``zhida.documents.citation``), unit names (the clauses' 责任单位 lists), and — when the
enterprise (USCC) is known — its checkup for the measures resting on those clauses
(``zhida.matching``: 可享受 with the amount via ``zhida.money_format``, 待确认 with the facts
still missing, 不符合). Nothing else is written: no paraphrase, no invented sentence. The draft is
marked as such; the officer edits and sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from difflib import SequenceMatcher

from zhida.desk.evidence import Evidence
from zhida.documents.citation import simplified
from zhida.desk.routing import RouteSuggestion, suggest
from zhida.errors import ZhidaError
from zhida.money_format import money, pending
from zhida.store.database import Store

FRAMES = {
    "draft": "【答复草稿】以下内容由系统依据政策原文自动汇编，须经办人审核修改后发送。",
    "greeting": "您好！关于您咨询的“{question}”，现将相关政策规定摘录如下：",
    "clause": "{n}. {citation}：“{quote}”",
    "units": "该事项的责任单位：{units}。",
    "checkup": "结合贵企业（{name}）的政策体检结果（评估日 {as_of}）：",
    "eligible_amount": "· {measure}：可享受，金额 {amount}。",
    "eligible": "· {measure}：可享受。",
    "eligible_pending": "· {measure}：可享受，金额待核定。",
    "undetermined": "· {measure}：待确认，尚需补充：{missing}。",
    "ineligible": "· {measure}：按现有信息不符合条件。",
    "no_measure": "上述条款暂无可供体检的措施，请经办人结合企业情况答复。",
    "unknown_enterprise": "统一社会信用代码 {uscc} 不在企业库中，未作政策体检。",
    "none": "未检索到与该问题直接相关的政策条款，请经办人补充答复。",
    "closing": "以上为政策原文摘录，具体以责任单位的解释为准。",
}
QUESTION_MARKS = ("吗", "？", "?", "什么", "怎么", "如何", "哪些", "哪个", "多少", "能否", "能不能", "是否", "可否",
                  "有没有", "是不是", "何时", "多久", "怎样", "请问", "咨询")
CLAUSES = 3  # clauses quoted in a draft


@dataclass
class Line:
    frame: str  # key of FRAMES
    slots: dict[str, str]

    @property
    def text(self) -> str:
        return FRAMES[self.frame].format(**self.slots)

    def to_json(self) -> dict:
        return {"frame": self.frame, "slots": self.slots, "text": self.text}


@dataclass
class Draft:
    question: str
    is_question: bool
    lines: list[Line]
    clauses: list[Evidence]
    route: RouteSuggestion
    checkup: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_json(self) -> dict:
        return {"question": self.question, "is_question": self.is_question, "draft": True, "text": self.text,
                "lines": [line.to_json() for line in self.lines], "clauses": [c.to_json() for c in self.clauses],
                "units": [u.unit for u in self.route.units], "checkup": self.checkup}


def is_policy_question(text: str) -> bool:
    """Whether the request asks something (rather than reporting a fault to be fixed)."""
    return any(mark in text for mark in QUESTION_MARKS)


def answer(store: Store, text: str, *, uscc: str | None = None, as_of: date | None = None) -> Draft:
    route = suggest(store, text)
    question = route.text
    clauses = [c for c in route.clauses if c.units][:CLAUSES] or route.clauses[:CLAUSES]
    lines = [Line("draft", {})]
    if not clauses:
        lines += [Line("none", {})]
        return Draft(question, is_policy_question(question), lines, [], route)
    lines.append(Line("greeting", {"question": question}))
    for n, evidence in enumerate(clauses, 1):
        lines.append(Line("clause", {"n": str(n), "citation": evidence.citation, "quote": evidence.quote}))
    units = [u.unit for u in route.units[:3]]
    if units:
        lines.append(Line("units", {"units": "、".join(units)}))
    checkup: list[dict[str, Any]] = []
    if uscc:
        lines += _checkup_lines(store, uscc, clauses, as_of or date.today(), checkup)
    lines.append(Line("closing", {}))
    return Draft(question, is_policy_question(question), lines, clauses, route, checkup)


def measures_for(clauses: list[Evidence]):
    """The encoded measures resting on what was quoted: a source in (or inside, or around) a quoted
    clause whose own quote overlaps the quoted sentence — 000's 第三条（七） holds six measures, a
    question about 设备 税前扣除 concerns the one whose source is that sentence."""
    from zhida.matching.match import load_default_policies

    policies = load_default_policies()
    found = []
    for measure in policies.measures.values():
        for source in measure.sources:
            if any(source.document == c.document and _related(source.clause, c.clause_id)
                   and _overlaps(source.quote, c.quote) for c in clauses):
                found.append(measure)
                break
    return found, policies


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


OVERLAP = 10  # characters two quotes must share to be about the same sentence


def _overlaps(source_quote: str, quoted: str) -> bool:
    a, b = simplified(source_quote), simplified(quoted)
    if not a or not b:
        return False
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= min(OVERLAP, len(a), len(b))


def _checkup_lines(store: Store, uscc: str, clauses: list[Evidence], as_of: date, out: list) -> list[Line]:
    from zhida.enterprises import uscc as uscc_codes
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.matching.match import match_enterprise, missing_labels

    code = uscc_codes.normalize(uscc)
    if not uscc_codes.is_valid(code):
        raise ZhidaError("统一社会信用代码", f"{uscc} 不是有效的统一社会信用代码（18 位，校验位须正确）")
    with store.sessions() as session:
        row = session.execute(select(Enterprise.name, Enterprise.profile_json).where(Enterprise.uscc == code)).first()
    if row is None:
        return [Line("unknown_enterprise", {"uscc": code})]
    measures, policies = measures_for(clauses)
    if not measures:
        return [Line("no_measure", {})]
    profile = EnterpriseProfile.model_validate(row.profile_json)
    results = match_enterprise(profile, as_of, measures=measures, policies=policies, near_misses=False)
    lines = [Line("checkup", {"name": row.name, "as_of": as_of.isoformat()})]
    for result in results:
        if result.status == "not_applicable":
            continue
        missing = [m["label"] for m in missing_labels(result, policies)]
        amount = _amount(result)
        out.append({"measure_id": result.measure_id, "title": result.title, "status": result.status,
                    "amount": amount, "missing": missing})
        if result.status == "eligible" and amount == pending():
            lines.append(Line("eligible_pending", {"measure": result.title}))
        elif result.status == "eligible":
            lines.append(Line("eligible_amount", {"measure": result.title, "amount": amount}) if amount
                         else Line("eligible", {"measure": result.title}))
        elif result.status == "undetermined":
            lines.append(Line("undetermined", {"measure": result.title, "missing": "、".join(missing) or "相关信息"}))
        else:
            lines.append(Line("ineligible", {"measure": result.title}))
    return lines


def _amount(result) -> str | None:
    """The amount as money_format writes it; None when the measure grants no sum (a deferral)."""
    view = result.amount
    if view.kind is None or view.kind == "not_stated":
        return None
    if view.value is None:
        return pending()
    text = money(view.value)
    return f"最高 {text}" if view.kind == "maximum" else text
