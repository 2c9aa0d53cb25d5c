"""Parametric what-ifs: a measure's numbers in plain Chinese, and one what-if run over the
enterprises' facts (baseline and reform in one query, zhida.batch.simulate), shaped for the
模拟测算 page and its API (``run``); `zhida simulate --parameters MEASURE` lists the same numbers.

A parameter is addressed as ``zhida simulate --set`` does, by its path after the measure id:
``amount.cap``, ``amount.expr.2``, ``conditions.<id>.1`` (docs/batch.md). Numbers in a list of
codes (``IN (3, 4, 5)``) are categories, not parameters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from zhida.batch import simulate as batch_simulate
from zhida.enterprises import industries
from zhida.errors import DataError
from zhida.rules.describe import render
from zhida.rules.model import Measure

AMOUNT_PARTS = {"expr": "金额公式", "cap": "金额上限", "floor": "金额下限", "upper": "金额上端"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Parameter:
    id: str  # the batch path: amount.cap, amount.expr.2, conditions.<id>.1
    kind: str  # number | date
    where: str  # Chinese: 金额上限 / 条件：…
    context: str  # the expression it sits in, in plain Chinese
    value: str


def parameters(m: Measure, policies) -> list[Parameter]:
    labels = {c.id: c.label for c in m.conditions}
    out = []
    for p in batch_simulate.parameters(m):
        head, name = p.path.split(".")[:2]
        where = AMOUNT_PARTS[name] if head == "amount" else f"条件：{labels[name]}"
        try:
            text = render(p.context, policies)
        except Exception:  # noqa: BLE001 - the context is a help text only
            text = p.context.sql()
        value = p.value if p.kind == "date" else f"{Decimal(p.value).normalize():f}"
        out.append(Parameter(p.path, p.kind, where, text[:300], value))
    return out


class BadValue(DataError):
    """The new value is not a number (or date) the parameter can take."""


def measures_with_parameters(policies, scope) -> list[dict[str, Any]]:
    """The measures of ``scope`` (zhida.pushlists.scope) that have a number to change."""
    from zhida.pushlists.scope import visible_measures

    out = []
    for m in visible_measures(policies, scope):
        found = parameters(m, policies)
        if found:
            out.append({"id": m.id, "title": m.title, "parameters": len(found)})
    return out


def parameter_views(m: Measure, policies) -> list[dict[str, Any]]:
    return [{"id": p.id, "where": p.where, "context": p.context, "value": p.value} for p in parameters(m, policies)]


def run(policies, m: Measure, facts, as_of: date, parameter: str, value: str, *, region_code: str | None = None,
        top: int = 50) -> dict[str, Any]:
    """``m`` with ``parameter`` set to ``value`` against the baseline, over the facts Parquet (one
    district's enterprises with ``region_code``). BadValue for a value that is not one; RuleError
    for a parameter that cannot change."""
    listed = {p.id: p for p in parameters(m, policies)}
    chosen = listed.get(parameter)
    try:
        new_value = checked_value(value, chosen.kind if chosen else "number")
    except DataError as exc:
        raise BadValue(exc.where, exc.reason) from None
    sim = batch_simulate.simulate(policies, facts, as_of, [f"{m.id}.{parameter}={new_value}"], [m.id],
                                  movers_limit=top, region_code=region_code)
    return {"measure_id": m.id, "title": m.title, "parameter": parameter, "where": chosen.where if chosen else parameter,
            "baseline_value": chosen.value if chosen else None, "reform_value": new_value, "as_of": as_of.isoformat(),
            **shaped(sim, m.id, top)}


def checked_value(raw: str, kind: str) -> str:
    """The new value as the batch path wants it; DataError in Chinese if it is not one."""
    text = raw.replace(",", "").strip()
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat() if DATE.fullmatch(text) else _bad_date(raw)
        except ValueError:
            return _bad_date(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DataError("value", f"“{raw}”不是数字") from None
    if not number.is_finite():
        raise DataError("value", f"“{raw}”不是有限的数字")
    return format(number, "f")


def _bad_date(raw: str):
    raise DataError("value", f"“{raw}”不是日期（YYYY-MM-DD）")


def shaped(sim, measure_id: str, top: int) -> dict[str, Any]:
    """The page's view of a batch Simulation of one changed measure: totals, by district and
    by 门类 (from batch's 大类), and the largest gains and losses."""
    reform = measure_id + batch_simulate.REFORM
    [entry] = [e for e in sim.measures if e["measure_id"] == measure_id]
    by_district = [{"key": d["name"] or d["district"] or "—", **_cell(d["measures"], measure_id, reform)}
                   for d in sim.by_district]
    sections: dict[str, dict] = defaultdict(lambda: {"baseline_count": 0, "reform_count": 0,
                                                     "baseline_cost": Decimal(0), "reform_cost": Decimal(0)})
    for row in sim.by_industry:
        section = industries.section_of_division().get(row["industry"] or "", "—")
        cell = _cell(row["measures"], measure_id, reform)
        for k, v in cell.items():
            sections[section][k] += Decimal(v) if k.endswith("cost") else v
    by_industry = [{"key": k, "label": _section_name(k), **{n: _money(v) if n.endswith("cost") else v
                                                          for n, v in cell.items()}}
                   for k, cell in sorted(sections.items())]
    movers = [_mover(x) for x in sim.movers if x["measure_id"] == measure_id]
    counts = entry.get("movers", {"gainers": 0, "losers": 0})
    return {
        "totals": {"baseline_count": entry["baseline"]["eligible"], "reform_count": entry["reform"]["eligible"],
                   "baseline_cost": _cost(entry["baseline"]), "reform_cost": _cost(entry["reform"])},
        "by_district": by_district,
        "by_industry": by_industry,
        "gainers": {"count": counts["gainers"], "items": [x for x in movers if x["gain"]][:top]},
        "losers": {"count": counts["losers"], "items": [x for x in movers if x["loss"]][:top]},
        "enterprises": sim.enterprises,
    }


def _cell(measures: dict, baseline: str, reform: str) -> dict:
    b, r = measures[baseline], measures[reform]
    return {"baseline_count": b["eligible"], "reform_count": r["eligible"],
            "baseline_cost": _cost(b), "reform_cost": _cost(r)}


def _cost(figures: dict) -> str:
    return figures["cost"] or "0.00"


def _section_name(letter: str) -> str:
    try:
        return industries.name_of(letter) or letter
    except KeyError:
        return letter


def _mover(x: dict) -> dict:
    from zhida.enterprises import regions

    b, r = x["baseline"], x["reform"]
    return {"uscc": x["uscc"], "name": x["name"], "region": regions.label(x["region_code"]),
            "industry": _lettered(x["industry_code"]), "baseline": b["status"], "reform": r["status"],
            "baseline_amount": b["amount"] if b["status"] == "eligible" else None,
            "reform_amount": r["amount"] if r["status"] == "eligible" else None,
            "delta": x["change"], "gain": x["direction"] == "gain", "loss": x["direction"] == "loss"}


def _lettered(digits: str | None) -> str | None:
    try:
        return industries.normalize(digits) if digits else None
    except KeyError:
        return digits


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"
