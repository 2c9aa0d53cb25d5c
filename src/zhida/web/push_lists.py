"""精准推送: per measure, the enterprises the last complete batch found eligible, filtered by
district and industry, grouped by responsible unit — scoped to what the user answers for.
The lists are read from the batch run's results (zhida.batch.pushlists.measure_lists).

Staff see the measures of their responsible unit(s) (all measures if none is recorded) and,
when a region is recorded, only enterprises of that region.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhida.batch.pushlists import measure_lists
from zhida.enterprises import industries
from zhida.matching.match import load_default_policies
from zhida.web import audit
from zhida.web.deps import Principal
from zhida.enterprises import regions
from zhida.web.enterprise_data import region_name
from zhida.jobs.batch import BatchResult


def visible_measures(principal: Principal) -> list:
    measures = [m for m in load_default_policies().measures.values() if m.enterprise_benefit]
    if principal.role == "staff" and principal.units:
        units = set(principal.units)
        measures = [m for m in measures if units & set(m.responsible_units)]
    return measures


def build(batch: BatchResult, principal: Principal, *, measure: str | None = None, region: str | None = None,
          industry: str | None = None, limit_per_measure: int | None = None) -> list[dict[str, Any]]:
    """One entry per measure: {measure_id, title, units, count, total, enterprises}."""
    region_code = regions.scope_code_or_none(region) if region else None
    if region and region_code is None:
        region_code = "—"  # an unknown district matches nothing, rather than everything
    if principal.district_scoped:
        own = principal.region_code
        if region_code not in (None, own):
            return []
        region_code = own
    industry = (industry or "").strip().upper() or None
    wanted = [m for m in visible_measures(principal) if not measure or m.id == measure]
    found = measure_lists(batch.run, [m.id for m in wanted], district=region_code, industry=industry,
                          limit=limit_per_measure)
    out = []
    for m in wanted:
        hits = found.get(m.id)
        if hits is None and measure is None:
            continue
        hits = hits or {"count": 0, "total": None, "rows": []}
        rows = [{"uscc": r["uscc"], "name": r["name"], "region": region_name(r["region_code"]),
                 "industry": _industry_text(r["industry_code"]), "amount": _money(r["amount"])} for r in hits["rows"]]
        out.append({"measure_id": m.id, "title": m.title, "units": list(m.responsible_units), "count": hits["count"],
                    "total": _money(hits["total"] or Decimal(0)), "enterprises": rows})
    out.sort(key=lambda x: -x["count"])
    return out


def _industry_text(digits: str | None) -> str:
    """The catalogue's digits as the 门类-lettered code and its name: C3511 专用设备…"""
    if not digits:
        return "—"
    try:
        code = industries.normalize(digits)
    except KeyError:
        return digits
    return f"{code} {industries.name_of(code) or ''}".strip()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def by_unit(lists: list[dict[str, Any]], principal: Principal) -> list[tuple[str, list[dict[str, Any]]]]:
    """Group the measures by responsible unit (a measure with several units appears under each);
    staff see their own units first."""
    groups: dict[str, list] = {}
    for entry in lists:
        for unit in entry["units"] or ["未列明责任单位"]:
            groups.setdefault(unit, []).append(entry)
    own = set(principal.units) if principal.role == "staff" else set()
    return sorted(groups.items(), key=lambda kv: (kv[0] not in own, -sum(e["count"] for e in kv[1]), kv[0]))


def audit_export(request, principal: Principal, lists, filters: dict[str, str]) -> None:
    rows = sum(len(entry.get("enterprises", ())) for entry in lists) if isinstance(lists, list) else None
    audit.by(request.app.state.store, principal, "export", "push_list", filters.get("措施", "全部"),
             detail="导出推送名单 XLSX（" + "，".join(f"{k} {v}" for k, v in filters.items() if k != "导出人") + "）",
             after={"filters": filters, "rows": rows})
