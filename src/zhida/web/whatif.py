"""Parametric what-ifs: change one number of a measure (a rate, a cap, a threshold) and compare
coverage and cost, baseline vs reform, by district and industry, with who gains and who loses.

A parameter is a numeric literal of the measure as encoded: in its amount formula, cap, floor or
upper bound, or compared with a fact in a condition (lists of codes, e.g. ``IN (3, 4, 5)``, are
categories, not parameters). The reform is a copy of the measure with that literal replaced.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlglot import exp

from zhida.enterprises import industries
from zhida.errors import DataError
from zhida.rules.describe import render
from zhida.rules.model import Measure
from zhida.web import population
from zhida.web.enterprise_data import region_name

AMOUNT_PARTS = {"expr": "金额公式", "cap": "金额上限", "floor": "金额下限", "upper": "金额上端"}
COMPARISONS = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ, exp.Between)
ARITHMETIC = (exp.Mul, exp.Div, exp.Add, exp.Sub, exp.Paren, exp.Case, exp.If, exp.Least, exp.Greatest)


@dataclass(frozen=True)
class Parameter:
    id: str  # "amount.cap#0", "condition.<id>#1"
    where: str  # Chinese: 金额上限 / 条件：…
    context: str  # the expression it sits in, in plain Chinese
    value: Decimal


def _numbers(node: exp.Expression, in_amount: bool) -> list[exp.Literal]:
    found = []
    for literal in node.find_all(exp.Literal):
        if literal.is_string:
            continue
        parent = literal.parent
        if isinstance(parent, exp.In) or isinstance(parent, exp.Tuple):
            continue  # a list of codes
        if in_amount or isinstance(parent, COMPARISONS + ARITHMETIC):
            found.append(literal)
    return found


def _parts(m: Measure) -> list[tuple[str, str, exp.Expression, bool]]:
    parts = []
    if m.amount is not None:
        for name, where in AMOUNT_PARTS.items():
            node = getattr(m.amount, name)
            if node is not None:
                parts.append((f"amount.{name}", where, node, True))
    for cond in m.conditions:
        parts.append((f"condition.{cond.id}", f"条件：{cond.label}", cond.ast, False))
    return parts


def parameters(m: Measure, policies) -> list[Parameter]:
    out = []
    for key, where, node, in_amount in _parts(m):
        for index, literal in enumerate(_numbers(node, in_amount)):
            context = literal.parent if literal.parent is not None else node
            try:
                text = render(context, policies)
            except Exception:  # noqa: BLE001 - the context is a help text only
                text = context.sql()
            out.append(Parameter(f"{key}#{index}", where, text[:300], Decimal(literal.this)))
    return out


def reform(m: Measure, parameter_id: str, value: str | Decimal) -> Measure:
    """A copy of ``m`` with parameter ``parameter_id`` set to ``value`` (DataError if unknown/bad)."""
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise DataError("value", f"“{value}”不是数字") from None
    if not number.is_finite():
        raise DataError("value", f"“{value}”不是有限的数字")
    key, _, index_text = parameter_id.partition("#")
    for part_key, _, node, in_amount in _parts(m):
        if part_key != key or not index_text.isdigit():
            continue
        copy = node.copy()
        literals = _numbers(copy, in_amount)
        index = int(index_text)
        if index >= len(literals):
            break
        literals[index].replace(exp.Literal.number(format(number, "f")))
        if key.startswith("amount."):
            amount = dataclasses.replace(m.amount, **{key.split(".", 1)[1]: copy})
            return dataclasses.replace(m, amount=amount)
        cond_id = key.split(".", 1)[1]
        conditions = [dataclasses.replace(c, ast=copy) if c.id == cond_id else c for c in m.conditions]
        return dataclasses.replace(m, conditions=conditions)
    raise DataError("parameter", f"措施 {m.id} 没有参数 {parameter_id}")


def simulate(members: list[population.Member], as_of, baseline: Measure, reformed: Measure,
             top: int = 50) -> dict[str, Any]:
    """Coverage (eligible enterprises) and cost (sum of amounts) baseline vs reform."""
    base = {o.uscc: o for o in population.evaluate(members, as_of, [baseline])}
    new = {o.uscc: o for o in population.evaluate(members, as_of, [reformed])}
    by_uscc = {m.uscc: m for m in members}
    districts: dict[str, dict] = defaultdict(lambda: _cell())
    sectors: dict[str, dict] = defaultdict(lambda: _cell())
    changes = []
    totals = _cell()
    for uscc in set(base) | set(new):
        member = by_uscc[uscc]
        b, r = base.get(uscc), new.get(uscc)
        b_ok, r_ok = bool(b and b.status == "eligible"), bool(r and r.status == "eligible")
        b_amt = (b.amount or Decimal(0)) if b_ok else Decimal(0)
        r_amt = (r.amount or Decimal(0)) if r_ok else Decimal(0)
        section = member.industry_code[:1]
        for cell in (districts[region_name(member.region_code)], sectors[section], totals):
            cell["baseline_count"] += b_ok
            cell["reform_count"] += r_ok
            cell["baseline_cost"] += b_amt
            cell["reform_cost"] += r_amt
        if b_ok != r_ok or b_amt != r_amt:
            changes.append({"uscc": uscc, "name": member.name, "region": region_name(member.region_code),
                            "industry": member.industry_code, "baseline": _status(b), "reform": _status(r),
                            "baseline_amount": _money(b_amt if b_ok else None),
                            "reform_amount": _money(r_amt if r_ok else None), "delta": r_amt - b_amt,
                            "gain": (r_ok and not b_ok) or r_amt > b_amt})
    gainers = sorted((c for c in changes if c["gain"]), key=lambda c: -c["delta"])
    losers = sorted((c for c in changes if not c["gain"]), key=lambda c: c["delta"])
    for c in changes:
        c["delta"] = _money(c["delta"])
    return {
        "totals": _cells_json(totals),
        "by_district": [{"key": k, **_cells_json(v)} for k, v in sorted(districts.items())],
        "by_industry": [{"key": k, "label": industries.name_of(k) or k, **_cells_json(v)}
                        for k, v in sorted(sectors.items())],
        "gainers": {"count": len(gainers), "items": gainers[:top]},
        "losers": {"count": len(losers), "items": losers[:top]},
        "enterprises": len(members),
    }


def _cell() -> dict:
    return {"baseline_count": 0, "reform_count": 0, "baseline_cost": Decimal(0), "reform_cost": Decimal(0)}


def _cells_json(cell: dict) -> dict:
    return {"baseline_count": cell["baseline_count"], "reform_count": cell["reform_count"],
            "baseline_cost": _money(cell["baseline_cost"]), "reform_cost": _money(cell["reform_cost"])}


def _status(outcome) -> str:
    return outcome.status if outcome is not None else "not_applicable"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"
