"""The API's older shape of the push lists, kept for its clients: per measure a capped list of
enterprises, then grouped by responsible unit (a measure with several units under each)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhida.batch.pushlists import measure_lists
from zhida.enterprises import regions
from zhida.pushlists.choices import industry_label
from zhida.pushlists.scope import NOWHERE, Scope, district_for, visible_measures


def measures(run, policies, scope: Scope, *, measure: str | None = None, region: str | None = None,
             industry: str | None = None, limit_per_measure: int | None = None) -> list[dict[str, Any]]:
    """One entry per measure {measure_id, title, units, count, total, enterprises}, most eligible first."""
    district = district_for(scope, region)
    if district == NOWHERE:
        return []
    industry = (industry or "").strip().upper() or None
    wanted = [m for m in visible_measures(policies, scope) if not measure or m.id == measure]
    found = measure_lists(run, [m.id for m in wanted], district=district, industry=industry, limit=limit_per_measure)
    out = []
    for m in wanted:
        hits = found.get(m.id)
        if hits is None and measure is None:
            continue
        hits = hits or {"count": 0, "total": None, "rows": []}
        rows = [{"uscc": r["uscc"], "name": r["name"], "region": regions.label(r["region_code"]),
                 "industry": industry_label(r["industry_code"]), "amount": _money(r["amount"])} for r in hits["rows"]]
        out.append({"measure_id": m.id, "title": m.title, "units": list(m.responsible_units), "count": hits["count"],
                    "total": _money(hits["total"] or Decimal(0)), "enterprises": rows})
    out.sort(key=lambda x: -x["count"])
    return out


def grouped(lists: list[dict[str, Any]], own_units: set[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Grouped by responsible unit; ``own_units`` (a staff user's) first."""
    groups: dict[str, list] = {}
    for entry in lists:
        for unit in entry["units"] or ["未列明责任单位"]:
            groups.setdefault(unit, []).append(entry)
    return sorted(groups.items(), key=lambda kv: (kv[0] not in own_units, -sum(e["count"] for e in kv[1]), kv[0]))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"
