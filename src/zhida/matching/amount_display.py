"""One result's amount (docs/match-json.md, ``amount``) as a reader sees it, the same on the
checkup page, in the PDF report and in the XLSX 金额说明 column.

A computed amount goes through ``zhida.money_format`` (最高 300.00 万元); an amount that cannot be
computed says 金额待核定 and why (the facts missing, the open criteria a unit still judges),
never 0; a measure without money says so; a measure not open to the enterprise shows how the
amount would be computed (the rule, in words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhida.money_format import money, pending, yuan

NO_MONEY = "原文未明确金额"


@dataclass
class AmountDisplay:
    text: str  # the line shown: "最高 300.00 万元", "金额待核定（缺少：…）", "原文未明确金额"
    exact: str | None = None  # the computed amount to the fen ("3,000,000.00 元"), for a tooltip / ledger
    pending: bool = False  # the amount is money that cannot be computed yet
    payers: list[str] = field(default_factory=list)  # "市级 120.00 万元" …
    rule: str | None = None  # how the amount is computed, when it is not (the rule in words)


def why_pending(result: dict[str, Any]) -> str | None:
    """What keeps the amount from being computed: missing facts, then open criteria."""
    parts = []
    missing = [m["label"] for m in result.get("missing") or []]
    if missing:
        parts.append("缺少：" + "、".join(missing))
    opened = [o["label"] for o in result.get("open_criteria") or []]
    if opened:
        parts.append("待责任单位认定：" + "、".join(opened))
    return "；".join(parts) or None


def _note(unit: str | None) -> str:
    """What the sum is (元（当年可税前扣除额） → （当年可税前扣除额））."""
    return unit[1:] if unit and unit.startswith("元") else ""


def amount_display(result: dict[str, Any]) -> AmountDisplay:
    a = result["amount"]
    kind, value = a.get("kind"), a.get("value")
    if a.get("currency", "CNY") != "CNY":
        return AmountDisplay(a.get("text") or NO_MONEY)
    if value is not None:
        shown = money(value)
        text = {"maximum": f"最高 {shown}", "minimum": f"不低于 {shown}",
                "range": f"{shown} 至 {money(a.get('upper'))}" if a.get("upper") is not None else f"不低于 {shown}",
                }.get(kind, shown) + _note(a.get("unit"))
        payers = [f"{p['payer']} {money(p['amount'])}" for p in a.get("payers") or [] if p.get("amount") is not None]
        return AmountDisplay(text, yuan(value), False, payers)
    if kind in (None, "not_stated"):
        return AmountDisplay(NO_MONEY)
    rule = _rule(a.get("text") or "")
    if result["status"] in ("eligible", "undetermined"):
        why = why_pending(result) or "待责任单位核定"
        if a.get("least") is not None:
            return AmountDisplay(f"至少 {money(a['least'])}，{pending(why)}", yuan(a["least"]), True, rule=rule)
        return AmountDisplay(pending(why), None, True, rule=rule)
    return AmountDisplay(f"计算方式：{rule}" if rule else NO_MONEY, rule=rule)


def _rule(text: str) -> str:
    """The rule part of an uncomputed amount's text (after 按：), without the engine's prefix."""
    return text.split("按：", 1)[1] if "按：" in text else text


def amount_display_of(r, policies) -> AmountDisplay:
    """The same for a ``MatchResult`` (no JSON report built: only what the amount line reads)."""
    from zhida.matching.report import _money
    from zhida.rules.describe import label

    a = r.amount
    return amount_display({
        "status": r.status,
        "amount": {"kind": a.kind, "value": _money(a.value), "upper": _money(a.upper), "currency": a.currency,
                   "unit": a.unit, "text": a.text, "least": _money(a.least),
                   "payers": [{"payer": p["payer"], "amount": _money(p["amount"])} for p in a.payers]},
        "missing": [{"label": label(f, policies)} for f in r.missing],
        "open_criteria": r.open_criteria})
