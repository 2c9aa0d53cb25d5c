"""精准推送: per measure, the enterprises the last complete batch found eligible, filtered by
district and industry, grouped by responsible unit — scoped to what the user answers for.

Staff see the measures of their responsible unit(s) (all measures if none is recorded) and,
when a region is recorded, only enterprises of that region.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhida.enterprises import industries
from zhida.matching.match import load_default_policies
from zhida.web.deps import Principal
from zhida.web.enterprise_data import region_code_for, region_name
from zhida.web.jobs import BatchResult


def visible_measures(principal: Principal) -> list:
    measures = [m for m in load_default_policies().measures.values() if m.enterprise_benefit]
    if principal.role == "staff" and principal.units:
        units = set(principal.units)
        measures = [m for m in measures if units & set(m.responsible_units)]
    return measures


def build(batch: BatchResult, principal: Principal, *, measure: str | None = None, region: str | None = None,
          industry: str | None = None, limit_per_measure: int | None = None) -> list[dict[str, Any]]:
    """One entry per measure: {measure_id, title, units, count, total, enterprises}."""
    region_code = region_code_for(region) if region else None
    if region and region_code is None:
        region_code = "—"  # an unknown district matches nothing, rather than everything
    if principal.role == "staff" and principal.region:
        own = region_code_for(principal.region) or "—"
        if region_code not in (None, own):
            return []
        region_code = own
    industry = (industry or "").strip().upper() or None
    out = []
    for m in visible_measures(principal):
        if measure and m.id != measure:
            continue
        rows = []
        total = Decimal(0)
        for uscc, amount in batch.eligible.get(m.id, ()):
            member = batch.members[uscc]
            if region_code and member.region_code != region_code:
                continue
            if industry and not member.industry_code.startswith(industry):
                continue
            if amount is not None:
                total += amount
            rows.append({"uscc": uscc, "name": member.name, "region": region_name(member.region_code),
                         "industry": f"{member.industry_code} {industries.name_of(member.industry_code) or ''}".strip(),
                         "amount": None if amount is None else f"{amount:.2f}"})
        if not rows and measure is None:
            continue
        out.append({"measure_id": m.id, "title": m.title, "units": list(m.responsible_units), "count": len(rows),
                    "total": f"{total:.2f}",
                    "enterprises": rows[:limit_per_measure] if limit_per_measure else rows})
    out.sort(key=lambda x: -x["count"])
    return out


def by_unit(lists: list[dict[str, Any]], principal: Principal) -> list[tuple[str, list[dict[str, Any]]]]:
    """Group the measures by responsible unit (a measure with several units appears under each);
    staff see their own units first."""
    groups: dict[str, list] = {}
    for entry in lists:
        for unit in entry["units"] or ["未列明责任单位"]:
            groups.setdefault(unit, []).append(entry)
    own = set(principal.units) if principal.role == "staff" else set()
    return sorted(groups.items(), key=lambda kv: (kv[0] not in own, -sum(e["count"] for e in kv[1]), kv[0]))
