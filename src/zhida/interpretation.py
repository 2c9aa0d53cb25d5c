"""政策解读: a document's encoded measures arranged as a plain-language reading.

For each measure: who benefits, how much (with the totals kind it would be counted in), until
when, how to apply, and who is responsible — every point built from the measure's reviewed data
(labels, quotes, period, ``application``) and carrying the source words it comes from, so the
page can show the original beside it. Nothing is written that the encoded measure does not say:
where it says nothing (no ``application_quote``, no end date) the point says 未明确.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from zhida.mypolicies import how_to_apply
from zhida.rules import totals
from zhida.rules.describe import jurisdiction_text
from zhida.rules.model import BENEFICIARY_ZH, KIND_ZH, Measure
from zhida.rules.present import amount_text
from zhida.rules.sources import squash

NOT_STATED = "未明确"
# How the measures of a document are grouped on the page (measure kind → group).
GROUPS = (
    ("money", "资金支持", ("cash_subsidy", "reward", "loan_interest_subsidy", "guarantee")),
    ("tax", "税费减免、抵扣与缓缴", ("tax_deduction", "tax_exemption", "tax_reduction", "deferral", "refund",
                                     "fee_reduction")),
    ("service", "资格认定与服务", ("qualification", "service")),
)
# The totals kind a measure's money is counted in once it applies (确定 / 最高 / 减免·抵扣·递延 …).
MONEY_KIND_ZH = {"certain": "确定金额", "up_to": "最高金额", "relief": "减免·抵扣·递延", "deduction": "减免·抵扣·递延",
                 "deferral": "减免·抵扣·递延", "refund": "减免·抵扣·递延", "unquantified": "金额未明确"}


@dataclass(frozen=True)
class Point:
    """One statement of the reading and the source words it rests on (None: nothing to quote)."""

    text: str
    quote: str | None = None
    document: str | None = None
    clause: str | None = None


@dataclass
class MeasureReading:
    measure_id: str
    title: str
    kind: str  # the measure's kind (cash_subsidy …)
    kind_label: str
    who: list[Point]  # beneficiary, place, then each condition
    open_criteria: list[Point]  # criteria the text leaves to the responsible unit (待认定)
    how_much: Point
    money_kind: str  # totals bucket it would count in: certain | up_to | relief | … | unquantified
    money_kind_label: str
    until: Point
    how_to_apply: Point
    apply_details: list[Point]  # 申报时间, 申报材料, 受理部门, 咨询电话: where the text gives them, else 未明确
    units: list[str]
    sources: list[Point]  # the measure's own source quotes (原文)
    draft: bool = False


@dataclass
class Group:
    key: str
    label: str
    measures: list[MeasureReading] = field(default_factory=list)


@dataclass
class Interpretation:
    document: str
    doc_number: str | None
    groups: list[Group]
    counts: dict[str, int]  # money kind label → measures
    not_for_enterprises: list[Point]  # measures for individuals / government work: named, not read out

    @property
    def measures(self) -> int:
        return sum(len(g.measures) for g in self.groups)


def interpret(document: str, policies) -> Interpretation:
    """The reading of one document (its full key) from the loaded ``policies``; a document with
    no encoded measures has empty groups. Built once per document and policies (it reads clause
    texts and looks for how-to-apply sentences); callers must not change it."""
    from zhida.matching.evaluator import cache_for

    memo = cache_for(policies).setdefault("interpretation", {})
    if document not in memo:
        memo[document] = _interpret(document, policies)
    return memo[document]


def _interpret(document: str, policies) -> Interpretation:
    measures = [m for m in policies.measures.values() if m.document == document]
    readings = [_reading(m, policies) for m in measures if m.enterprise_benefit]
    groups = []
    for key, label, kinds in GROUPS:
        found = [r for r in readings if r.kind in kinds]
        if found:
            groups.append(Group(key, label, found))
    counts: dict[str, int] = {}
    for r in readings:
        counts[r.money_kind_label] = counts.get(r.money_kind_label, 0) + 1
    others = [Point(f"{m.title}（受益对象：{BENEFICIARY_ZH[m.beneficiary]}）", *_first_source(m))
              for m in measures if not m.enterprise_benefit]
    return Interpretation(document, _doc_number(document, policies), groups, counts, others)


def _reading(m: Measure, policies) -> MeasureReading:
    where = lambda quote, clause=None: _locate(m, quote, clause, policies)  # noqa: E731
    who = [Point(f"受益对象：{BENEFICIARY_ZH[m.beneficiary]}", None, None, None),
           Point(f"适用地域：{jurisdiction_text(m.jurisdiction, policies, m.jurisdiction_basis)}", None, None, None)]
    who += [Point(c.label, c.quote, *where(c.quote, c.clause)) for c in m.conditions if not _is_open(c.expr)]
    opened = [Point(f"{o.label}（原文未给出标准，由责任单位认定）", o.quote, *where(o.quote)) for o in m.open_criteria]
    bucket = _money_kind(m)
    amount = m.amount
    if amount is None:
        how_much = Point("原文未规定金额（非资金类措施）", None, None, None)
    else:
        how_much = Point(amount_text(m, policies), amount.quote, *where(amount.quote)) if amount.quote else \
            Point(amount_text(m, policies), None, None, None)
    return MeasureReading(
        measure_id=m.id, title=m.title, kind=m.kind, kind_label=KIND_ZH[m.kind], who=who, open_criteria=opened,
        how_much=how_much, money_kind=bucket, money_kind_label=MONEY_KIND_ZH[bucket],
        until=_until(m, policies), how_to_apply=_how_to_apply(m, policies),
        apply_details=_apply_details(m, policies), units=list(m.responsible_units),
        sources=[Point("原文", s.quote, s.document, s.clause) for s in m.sources],
        draft=m.document_status == "draft",
    )


def _is_open(expr: str) -> bool:
    return expr.strip().startswith("open.")


def _money_kind(m: Measure) -> str:
    """The bucket of ``zhida.rules.totals`` this measure's money is counted in once it applies and
    its facts are known (an open criterion is shown apart, as 待认定)."""
    amount_kind = m.amount.kind if m.amount else None
    return totals.bucket(m.kind, amount_kind, value_known=True, least_known=False, open_=False)


def _until(m: Measure, policies) -> Point:
    p = m.period
    if p.start and p.end:
        text = f"{_day(p.start)}至{_day(p.end)}"
    elif p.end:
        text = f"至{_day(p.end)}"
    elif p.start:
        text = f"自{_day(p.start)}起，截止日期{NOT_STATED}"
    else:
        text = f"有效期{NOT_STATED}"
    if not p.quote:
        return Point(text, None, None, None)
    return Point(text, p.quote, *_locate(m, p.quote, p.clause, policies, document_wide=True))


def _how_to_apply(m: Measure, policies) -> Point:
    if m.application == "unknown" or not m.application_quote:
        return Point(f"申报方式{NOT_STATED}（原文未写明）", None, None, None)
    text = "免申即享（无需申请）" if m.application == "免申即享" else "需申报"
    return Point(text, m.application_quote, *_locate(m, m.application_quote, None, policies, document_wide=True))


def _apply_details(m: Measure, policies) -> list[Point]:
    """申报时间, 材料, 受理部门, 咨询电话 as ``zhida.mypolicies.how_to_apply`` reads them from the
    measure's clauses (or its document's general 申报 clauses), each with its sentence."""
    found = how_to_apply.for_measure(m, policies)
    out = []
    for name in ("window", "materials", "office", "phone"):
        label = how_to_apply.LABELS[name]
        value = found.get(name)
        if value is None:
            out.append(Point(f"{label}：{NOT_STATED}", None, None, None))
        else:
            where = "（本文件的申报说明）" if value.scope == "document" else ""
            out.append(Point(f"{label}：{value.value}{where}", value.quote, value.document or m.document,
                             value.clause))
    return out


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _first_source(m: Measure) -> tuple[str | None, str | None, str | None]:
    s = m.sources[0]
    return s.quote, s.document, s.clause


def _doc_number(document: str, policies) -> str | None:
    try:
        return policies.library.get(document).doc_number
    except Exception:  # noqa: BLE001 - the number is informative only
        return None


def _locate(m: Measure, quote: str | None, clause: str | None, policies,
            document_wide: bool = False) -> tuple[str | None, str | None]:
    """(document, clause) holding ``quote``: the given clause, else the measure's source clause
    that contains it, else (``document_wide``) any clause of the measure's document."""
    first = m.sources[0]
    if not quote:
        return first.document, first.clause
    if clause:
        owner = next((s.document for s in m.sources if s.clause == clause), m.document)
        return owner, clause
    wanted = squash(quote)
    for s in m.sources:
        try:
            text = policies.library.get(s.document).clause_text(s.clause, m.id)
        except Exception:  # noqa: BLE001 - no text: fall back to the first source
            continue
        if wanted in squash(text):
            return s.document, s.clause
    if document_wide:
        try:
            doc = policies.library.get(m.document)
        except Exception:  # noqa: BLE001
            return first.document, first.clause
        texts = doc.clause_texts or {}
        leaves = doc.leaf_ids or []
        for ident in [*leaves, *(k for k in texts if k not in set(leaves))]:  # the narrowest clause first
            if wanted in squash(texts[ident]):
                return m.document, ident
        return m.document, None  # in the document outside its clauses (e.g. its date line)
    return first.document, first.clause


def reading_json(r: Interpretation) -> dict:
    """The JSON of the API (docs/web.md)."""
    def point(p: Point) -> dict:
        return {"text": p.text, "quote": p.quote, "document": p.document, "clause": p.clause}

    return {
        "document": r.document, "doc_number": r.doc_number, "measures": r.measures, "counts": r.counts,
        "groups": [{"key": g.key, "label": g.label, "measures": [{
            "measure_id": x.measure_id, "title": x.title, "kind": x.kind, "kind_label": x.kind_label,
            "who": [point(p) for p in x.who], "open_criteria": [point(p) for p in x.open_criteria],
            "how_much": point(x.how_much), "money_kind": x.money_kind, "money_kind_label": x.money_kind_label,
            "until": point(x.until), "how_to_apply": point(x.how_to_apply),
            "apply_details": [point(p) for p in x.apply_details], "responsible_units": x.units,
            "sources": [point(p) for p in x.sources], "draft": x.draft} for x in g.measures]} for g in r.groups],
        "not_for_enterprises": [point(p) for p in r.not_for_enterprises],
    }
