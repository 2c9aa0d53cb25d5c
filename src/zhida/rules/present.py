"""Measures, facts and results as JSON-ready dicts and as plain Chinese text."""

from __future__ import annotations

from functools import wraps

from sqlglot import exp

from zhida.documents.citation import cite
from zhida.rules import model as m
from zhida.rules.describe import jurisdiction_text, render, wording
from zhida.rules.vocabulary import AMOUNT_KIND_ZH, APPLICATION_ZH, REVIEW_STATUS_ZH

PERIOD_ZH = {"in_force": "有效", "expired": "已过期", "not_yet_effective": "尚未生效"}
STATUS_ZH = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定（缺少信息）", "not_applicable": "不适用"}


def measure_summary(x: m.Measure) -> dict:
    return {
        "id": x.id, "title": x.title, "document": x.document, "benefit": x.benefit, "kind": x.kind,
        "beneficiary": x.beneficiary, "application": x.application,
        "sources": [{"document": s.document, "clause": s.clause} for s in x.sources],
        "review": x.review.get("status"),
    }


def _period(p: m.Period) -> dict:
    return {"from": p.start.isoformat() if p.start else None, "to": p.end.isoformat() if p.end else None,
            "quote": p.quote}


def _worded(function):
    """Run ``function(measure, policies)`` with the measure's open criteria in its own words."""
    @wraps(function)
    def worded(x: m.Measure, policies):
        with wording(x):
            return function(x, policies)
    return worded


@_worded
def measure_detail(x: m.Measure, policies) -> dict:
    amount = None
    if x.amount is not None:
        a = x.amount
        amount = {"kind": a.kind, **a.text, "unit": a.unit, "quote": a.quote, "text_zh": amount_text(x, policies)}
    doc_numbers = {}
    for s in x.sources:
        try:
            doc_numbers[s.document] = policies.library.get(s.document).doc_number
        except Exception:  # noqa: BLE001 - a number is informative only
            doc_numbers[s.document] = None
    return {
        **measure_summary(x),
        "sources": [{"document": s.document, "doc_number": doc_numbers.get(s.document), "clause": s.clause,
                     "quote": s.quote} for s in x.sources],
        "jurisdiction": x.jurisdiction, "jurisdiction_basis": x.jurisdiction_basis,
        "jurisdiction_zh": jurisdiction_text(x.jurisdiction, policies, x.jurisdiction_basis),
        "period": _period(x.period), "responsible_units": x.responsible_units, "review": x.review,
        "conditions": [{"id": c.id, "expr": c.expr, "label": c.label, "text_zh": render(c.ast, policies),
                        "quote": c.quote} for c in x.conditions],
        "open_criteria": [{"id": o.id, "label": o.label, "quote": o.quote} for o in x.open_criteria],
        "amount": amount, "uses": x.uses, "note": x.note,
    }


def amount_text(x: m.Measure, policies) -> str:
    a = x.amount
    if a is None or a.kind == "not_stated":
        return "原文未明确金额"
    literal = isinstance(a.expr, exp.Literal)  # a sum stated as such: 300万元, not 3000000
    text = render(a.expr, policies, _money_hint() if literal else None)
    if literal and a.kind in ("exact", "maximum", "minimum") and a.cap is None and a.floor is None:
        return {"exact": "", "maximum": "最高", "minimum": "不低于"}[a.kind] + text
    if a.floor is not None:
        text += f"，不低于{render(a.floor, policies, _money_hint())}"
    if a.cap is not None:
        text += f"，最高不超过{render(a.cap, policies, _money_hint())}"
    if a.kind == "range" and a.upper is not None:
        text = f"{text} 至 {render(a.upper, policies, _money_hint() if literal else None)}"
    return f"{text}（{AMOUNT_KIND_ZH[a.kind]}）"


class _MoneyHint:
    type = "money"
    currency = "CNY"
    unit = "元"


def _money_hint():
    return _MoneyHint()


@_worded
def measure_text(x: m.Measure, policies) -> str:
    from zhida.rules.model import BENEFICIARY_ZH, KIND_ZH

    lines = [f"{x.title}  [{x.id}]",
             f"  类型：{KIND_ZH[x.kind]}    受益对象：{BENEFICIARY_ZH[x.beneficiary]}    申请方式：{APPLICATION_ZH.get(x.application, x.application)}",
             f"  适用地域：{jurisdiction_text(x.jurisdiction, policies, x.jurisdiction_basis)}"]
    p = x.period
    span = f"{p.start.isoformat() if p.start else '（未规定）'} 至 {p.end.isoformat() if p.end else '（未规定）'}"
    lines.append(f"  有效期：{span}" + (f"（原文：{p.quote}）" if p.quote else ""))
    if x.responsible_units:
        lines.append(f"  责任单位：{'、'.join(x.responsible_units)}")
    lines.append("  条件（须全部满足）：")
    for c in x.conditions:
        lines.append(f"    - {c.label}：{render(c.ast, policies)}" + (f"（原文：{c.quote}）" if c.quote else ""))
    if not x.conditions:
        lines.append("    （无可量化条件）")
    for o in x.open_criteria:
        lines.append(f"  未量化标准：{o.label}（原文：{o.quote}；不设数值，由责任单位认定）")
    lines.append(f"  金额：{amount_text(x, policies)}")
    if x.amount is not None and x.amount.quote:
        lines.append(f"    原文：{x.amount.quote}")
    lines.append("  出处：")
    for s in x.sources:
        lines.append(f"    {_location(policies, s.document, s.clause)}：{s.quote}")
    lines.append(f"  审核：{REVIEW_STATUS_ZH.get(x.review.get('status'), x.review.get('status'))}" + (f"（{x.review.get('by')}，{x.review.get('date')}）" if x.review.get("by") else ""))
    if x.benefit != x.id:
        lines.append(f"  同一政策（合计只计一次）：{x.benefit}")
    return "\n".join(lines)


def _location(policies, document: str, clause: str) -> str:
    try:
        doc = policies.library.get(document)
    except Exception:  # noqa: BLE001 - without the source, the citation names no title
        return cite(None, None, None, clause)
    return cite(doc.title, doc.doc_number, doc.labels.get(str(clause)), clause)


def facts_rows(policies) -> list[dict]:
    rows = []
    for fact in policies.catalogue.facts.values():
        if fact.temporal == "period":  # revenue@2021: listed under "Periods read by the rules"
            continue
        temporal = "yearly (flow)" if fact.temporal == "yearly" and fact.flow else fact.temporal
        rows.append({"name": fact.name, "type": fact.type, "unit": fact.unit, "temporal": temporal,
                     "label_zh": fact.label_zh, "description": fact.description, "event": fact.event,
                     "values": list(fact.values) if fact.values else None, "column": fact.column,
                     "file": policies.catalogue.origin.get(fact.event or fact.name, "")})
    return rows


def facts_markdown(policies) -> str:
    """docs/facts.md, generated from policies/facts and policies/concepts (`zhida facts doc`)."""
    lines = ["# The enterprise fact catalogue", "",
             "Generated by `zhida facts doc` from `policies/facts/*.yaml` and `policies/concepts/*.yaml`;",
             "do not edit by hand (a test checks it is up to date). Types and semantics: docs/measures.md.",
             "A missing fact is UNKNOWN, never zero or false. Money is in yuan (元) unless the unit says USD;",
             "percent facts are fractions (0.35 = 35%). Event attributes are named `event.attribute`",
             "(SQL column `event__attribute`).", "", "## Facts", "",
             "| name | type | unit | temporal | 中文 | description | values |", "|---|---|---|---|---|---|---|"]
    for row in facts_rows(policies):
        labels = dict(policies.catalogue.facts[row["name"]].value_labels)
        values = ", ".join(f"{v} {labels[v]}" if v in labels else v for v in row["values"] or ())
        desc = row["description"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{row['name']}` | {row['type']} | {row['unit'] or ''} | {row['temporal']} | {row['label_zh']} "
                     f"| {desc} | {values} |")
    lines += ["", "## Periods", "",
              "A yearly fact is read for the last complete year (`revenue`; those labelled 本年度 for the",
              "year of the evaluation date) unless a rule names the period: `revenue@2021`, `revenue@2022Q2`,",
              "`revenue@2022-04`, `revenue@2022-04-01..2022-12-31`, `revenue@last_year`, `revenue@this_year`,",
              "`revenue@year-2`, `revenue@policy` (the measure's execution period), or",
              "`SUM_OVER`/`MAX_OVER`/`MIN_OVER(revenue, 'year-3..year-1')` (docs/measures.md). A profile gives",
              "figures per year, quarter, month or date range (docs/enterprise-profile.md). A *flow* (营业收入)",
              "over a period is the figure given for it or the sum of its quarters/months; a *stock* (从业人员)",
              "is the figure given or the one at the period's end. A missing part leaves it unknown.", "",
              'A batch input (facts Parquet) may give those parts too, as columns named like the periods they',
              'are for: `small_scale_sales_at_3pct__p2022_04` … `__p2022_12` (months), `__p2022q2` (quarters),',
              "`revenue__p2021q1` (a year's quarters). Every engine reads a column a rule reads",
              '(`small_scale_sales_at_3pct__p20220401_20221231`, bare `revenue`, `revenue__last_year` …) as',
              '`COALESCE(given, part + part + …)` over the part columns the file has — the same rule as the',
              'scalar facts builder, compiled once for DuckDB, PostgreSQL and Spark (`zhida.rules.period_parts`;',
              '`tests/rules/test_period_parts.py` compares it with `facts.period_value`). `zhida generate` gives',
              "the VAT window's 3% sales whole (45 %), by its nine months (30 %; one month in twenty missing), by",
              'its three quarters (15 %) or by 2022Q2 and then months (10 %); the engine-agreement tests',
              '(`tests/batch/test_engines.py`) run that population through DuckDB, PostgreSQL, Spark and the',
              "scalar explainer (which reads the enterprise's profile) and require amounts decided from months.",
              "",
              "Period-qualified facts the rules read (SQL column in brackets):", "",
              "| fact | 中文 | column |", "|---|---|---|"]
    from zhida.rules.describe import label

    for name in policies.catalogue.period_names():
        lines.append(f"| `{name}` | {label(name, policies)} | `{policies.catalogue.get(name).column}` |")
    lines += ["", "## Special zones", "", "| code | 中文 | within |", "|---|---|---|"]
    for zone in policies.catalogue.zones.values():
        lines.append(f"| `zone:{zone.code}` | {zone.label_zh} | {zone.region} |")
    lines += ["", "## Concepts (derived facts)", "", "| name | type | 中文 | source | effective |", "|---|---|---|---|---|"]
    for concept in policies.concepts.values():
        sources = concept.source if isinstance(concept.source, list) else [concept.source]
        cited = "; ".join(s.get("doc_number") or f"{s.get('document')} clause {s.get('clause')}" for s in sources)
        since = ", ".join(str(s.get("effective_from")) for s in sources if s.get("effective_from"))
        lines.append(f"| `{concept.name}` | {concept.type} | {concept.label_zh} | {cited} | {since} |")
    return "\n".join(lines) + "\n"


def result_text(result, policies) -> str:
    """A MeasureResult in plain Chinese."""
    from zhida.rules.describe import money

    lines = [f"{result.title}  ({result.measure_id})", f"  结论：{STATUS_ZH[result.status]}    有效期：{PERIOD_ZH[result.period]}"]
    if result.status == "eligible":
        if result.amount_kind == "not_stated":
            lines.append("  金额：原文未明确")
        elif result.amount is None:
            lines.append("  金额：无法计算（缺少信息）")
        else:
            prefix = {"maximum": "最高 ", "minimum": "不低于 ", "range": ""}.get(result.amount_kind, "")
            upper = f" 至 {money(result.amount_upper)}" if result.amount_upper is not None else ""
            lines.append(f"  金额：{prefix}{money(result.amount)}{upper}")
    lines += [f"  - {reason}" for reason in result.reasons]
    for src in result.sources:
        lines.append(f"  出处：{src.get('citation') or src['document']}：{src['quote']}")
    return "\n".join(lines)
