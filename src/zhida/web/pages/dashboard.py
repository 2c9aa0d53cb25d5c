"""工作台: the official's landing page — per measure of the user's units, in the user's district
(the city for the admin, with a unit filter), enterprises eligible / undetermined, the money by
the honest split, the trend since the previous batch, drill-downs by district, zone and industry.
The figures come from zhida.batch.dashboard (cubes written at batch time)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request

from zhida.batch import dashboard
from zhida.enterprises import industries, regions
from zhida.web.deps import Principal, require
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
SHOWN_MEASURES = 30  # rows before 显示全部 (sorted by the chosen column)
CHART_SLICES = 20  # bars in the chart: the largest slices (a table below lists them all)


def scope_for(principal: Principal, unit: str, industry: str, area: str) -> tuple[dashboard.Scope, dict]:
    """The user's scope with the filters they may apply: staff keep their district and units
    (a unit filter picks one of theirs); the admin sees the city and may pick a unit and a district."""
    own_units = tuple(principal.units) if principal.role == "staff" else ()
    chosen_unit = unit if unit and (not own_units or unit in own_units) else ""
    units = (chosen_unit,) if chosen_unit else own_units
    if principal.district_scoped:
        area_code = principal.region_code
    else:
        area_code = regions.scope_code_or_none(area) if area else None
    section = industry.strip().upper()[:1] if industry else ""
    section = section if section in set(industries.section_of_division().values()) else ""
    filters = {"unit": chosen_unit, "industry": section, "area": area_code if not principal.district_scoped and area_code else ""}
    return dashboard.Scope(area=area_code, units=units, industry=section or None), filters


@router.get("/dashboard")
def dashboard_page(request: Request, unit: str = Query("", max_length=64), industry: str = Query("", max_length=8),
                   area: str = Query("", max_length=32), by: str = Query("", max_length=16),
                   measure: str = Query("", max_length=128), sort: str = Query("eligible", max_length=16),
                   order: str = Query("desc", max_length=4), all: str = Query("", max_length=1),
                   principal: Principal = Depends(require("dashboard", "read"))):
    batch = request.app.state.jobs.latest
    scope, filters = scope_for(principal, unit, industry, area)
    by = by if by in dashboard.DIMENSIONS else ("street" if scope.area else "district")
    sort = sort if sort in dashboard.SORTS else "eligible"
    descending = order != "asc"
    context = {"title": "工作台", "batch": batch, "filters": filters, "by": by, "sort": sort, "descending": descending,
               "dimensions": dashboard.DIMENSIONS, "groups": dashboard.GROUP_ZH,
               "scope_label": scope_label(principal, scope), "measure": None,
               "shown": 10_000 if all else SHOWN_MEASURES,
               "sections": sorted({s: industries.name_of(s) for s in industries.section_of_division().values()}.items()),
               "districts": [(d.code, d.name) for d in regions.county_level()]}
    if batch is not None:
        run = batch.run
        previous = dashboard.previous(run, request.app.state.store)
        rows = dashboard.sort_rows(dashboard.measure_rows(run, scope, previous), sort, descending)
        chosen = next((r for r in rows if r.id == measure), None)
        slices = dashboard.breakdown(run, scope, by, measure=chosen.id if chosen else None)
        context.update({"rows": rows, "totals": dashboard.totals(run, scope), "previous": previous,
                        "slices": slices, "measure": chosen, "chart": _chart(slices, by),
                        "units": [u for u in dashboard.units(run.manifest)
                                  if principal.role != "staff" or not principal.units or u in principal.units]})
    base = {k: v for k, v in {**filters, "by": by, "measure": measure, "sort": sort, "all": all,
                              "order": "desc" if descending else "asc"}.items() if v}

    def link(**changes) -> str:
        merged = {**base, **changes}
        return "/dashboard?" + urlencode({k: v for k, v in merged.items() if v})

    context["link"] = link
    return render(request, "dashboard/page.html", context, active="dashboard")


def scope_label(principal: Principal, scope: dashboard.Scope) -> str:
    where = regions.label(scope.area) if scope.area else "全市"
    units = "、".join(scope.units) if scope.units else "全部责任单位"
    return f"{where} · {units}"


def _chart(slices: list[dashboard.Slice], by: str) -> dict:
    """Money per slice in 万元 for the bar chart (largest first); enterprises when no money is known."""
    shown = sorted(slices, key=lambda s: (-sum(m.total for m in s.money.values()), -s.enterprises))[:CHART_SLICES]
    wan = {g: [float(s.money[g].total / 10000) for s in shown] for g in dashboard.GROUPS}
    has_money = any(v for values in wan.values() for v in values)
    return {"labels": [s.label for s in shown], "series": [{"name": dashboard.GROUP_ZH[g], "data": wan[g]}
                                                           for g in dashboard.GROUPS] if has_money else [],
            "enterprises": [s.enterprises for s in shown], "unit": "万元" if has_money else "家",
            "title": f"按{dashboard.DIMENSIONS[by]}：" + ("资金（万元）" if has_money else "可享受企业数")}
