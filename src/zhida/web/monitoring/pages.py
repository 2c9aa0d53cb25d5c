"""Pages of 运行监测 for the economy bureau, the units and enterprises — thin over zhida.monitoring:
/monitoring (a month's figures by district and industry, trend and prices, ECharts),
/monitoring/parks (the same per park, with a park's enterprises; .xlsx the table),
/monitoring/enterprises/{uscc} (one enterprise's indicators over time), /monitoring/alerts (each
alert → its desk request; closed with a note), /monitoring/evaluations (亩均 grades),
/monitoring/analyses (the monthly 工业经济运行分析: generate, edit the text, release, XLSX/PDF),
/monitoring/key-enterprises (the key-enterprise list, hand-kept), /monitoring/resumption (开复工 in
the working days after a holiday, by district and industry; XLSX at /monitoring/resumption.xlsx)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from zhida import audit
from zhida.monitoring import alerts as alert_runs, analysis, keys, parks, views
from zhida.monitoring.prices import COMMODITIES
from zhida.workflow import NotAllowed
from zhida.web.deps import Principal, require
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.monitoring import charts
from zhida.web.monitoring.api import ID, MONTH_RE
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
officials = require("monitoring", "read")
GRADE_LABELS = {"A": "A 优先支持类", "B": "B 提升发展类", "C": "C 转型提升类", "D": "D 整治淘汰类", None: "待补数据"}


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/monitoring")
def overview_page(request: Request, month: str = Query("", pattern=MONTH_RE + "|^$"),
                  region: str = Query("", max_length=12), principal: Principal = Depends(officials)):
    def run(session):
        chosen = month or views.latest_month(session) or clock().strftime("%Y-%m")
        scope = views.region_scope(principal, region)
        return {"month": chosen, "f": analysis.build_figures(session, chosen, scope), "scope": scope,
                "regions": views.regions(session, principal)}

    found = read(request, run)
    f = found["f"]
    return render(request, "monitoring/overview.html", {
        "title": "运行监测", **found, "charts": [("trend", charts.trend(f)), ("districts", charts.by_district(f)),
                                              ("industries", charts.by_industry(f))]
        + ([("prices", charts.prices(f))] if f["prices"] else []),
    }, active="monitoring")


def _parks(request: Request, principal: Principal, month: str, region: str, park: str) -> dict:
    def run(session):
        chosen = month or views.latest_month(session) or clock().strftime("%Y-%m")
        return {"f": parks.figures_json(session, principal, chosen, region, park or None),
                "regions": views.regions(session, principal)}

    return read(request, run)


PARK = Query("", max_length=64)


@router.get("/monitoring/parks")
def parks_page(request: Request, month: str = Query("", pattern=MONTH_RE + "|^$"), region: str = Query("", max_length=12),
               park: str = PARK, principal: Principal = Depends(officials)):
    found = _parks(request, principal, month, region, park)
    f = found["f"]
    query = urlencode({k: v for k, v in (("month", f["month"]), ("region", f["scope"]), ("park", park)) if v})
    return render(request, "monitoring/parks.html", {
        "title": "重点园区运行情况", **found, "chart": charts.by_park(f), "query": query,
    }, active="monitoring")


@router.get("/monitoring/parks.xlsx")
def parks_xlsx(request: Request, month: str = Query("", pattern=MONTH_RE + "|^$"), region: str = Query("", max_length=12),
               park: str = PARK, principal: Principal = Depends(officials)):
    from zhida.web.monitoring import reports

    f = _parks(request, principal, month, region, park)["f"]
    audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="export",
                entity="mon_parks", entity_id=f["month"],
                detail=f"导出重点园区运行情况（XLSX，{f['month']}，{f['scope_label']}）")
    return Response(reports.parks_xlsx(f), media_type=reports.XLSX,
                    headers={"Content-Disposition": f"attachment; filename=parks-{f['month']}-{f['scope'] or 'city'}.xlsx"})


@router.get("/monitoring/enterprises/{uscc}")
def enterprise_page(request: Request, uscc: str, principal: Principal = Depends(require("indicators", "read"))):
    rows = read(request, lambda s: views.enterprise_series(s, principal, uscc))
    return render(request, "monitoring/enterprise.html", {
        "title": f"企业运行指标：{uscc}", "uscc": uscc, "rows": rows, "chart": charts.enterprise(rows, uscc),
    }, active="monitoring")


@router.get("/monitoring/alerts")
def alerts_page(request: Request, month: str = Query("", pattern=MONTH_RE + "|^$"),
                status: str = Query("", pattern="^(open|closed)?$"), principal: Principal = Depends(require("alerts", "read"))):
    items = read(request, lambda s: views.alerts(s, principal, month=month or None, status=status or None))
    return render(request, "monitoring/alerts.html", {
        "title": "运行监测预警", "items": items, "filters": {"month": month, "status": status},
        "commodities": COMMODITIES,
    }, active="monitoring")


@router.post("/monitoring/alerts/{alert_id}/close")
def close_page(request: Request, alert_id: ID, note: str = Form("", max_length=2000),
               principal: Principal = Depends(require("alerts", "write"))):
    work(request, lambda s: alert_runs.close(s, alert_id, note, actor=principal.username,
                                             units=views.closing_units(principal), now=clock(),
                                             actor_id=principal.user_id))
    return _back("/monitoring/alerts")


@router.get("/monitoring/evaluations")
def evaluations_page(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                     grade: str = Query("", pattern="^[ABCD]?$"), principal: Principal = Depends(require("evaluations", "read"))):
    items = read(request, lambda s: views.evaluations(s, principal, year=year, grade=grade or None))
    counts: dict = {}
    for e in items:
        counts[e.grade] = counts.get(e.grade, 0) + 1
    return render(request, "monitoring/evaluations.html", {
        "title": "亩均效益综合评价", "items": items, "filters": {"year": year or "", "grade": grade},
        "labels": GRADE_LABELS, "counts": counts,
    }, active="monitoring")


@router.get("/monitoring/analyses")
def analyses_page(request: Request, principal: Principal = Depends(require("analysis", "read"))):
    def run(session):
        return {"items": analysis.listing(session, principal), "month": views.latest_month(session) or "",
                "scope": analysis.scope_for(principal, None)}

    found = read(request, run)
    return render(request, "monitoring/analyses.html", {
        "title": "工业经济运行分析", **found, "may_edit": analysis.may_edit(principal, found["scope"]),
    }, active="monitoring")


@router.post("/monitoring/analyses")
def generate_page(request: Request, month: str = Form(..., pattern=MONTH_RE), region: str = Form("", max_length=12),
                  principal: Principal = Depends(require("analysis", "write"))):
    made = work(request, lambda s: analysis.generate(s, principal, month, analysis.scope_for(principal, region),
                                                     now=clock()).id)
    return _back(f"/monitoring/analyses/{made}")


@router.get("/monitoring/analyses/{analysis_id}")
def analysis_page(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "read"))):
    def run(session):
        row = analysis.get(session, principal, analysis_id)
        return {"a": row, "sections": analysis.text_of(row), "version": analysis.case_version(session, row)}

    found = read(request, run)
    f = found["a"].figures
    return render(request, "monitoring/analysis.html", {
        "title": f"工业经济运行分析 {f['month']}", **found, "f": f, "charts": charts.analysis(f),
        "may_edit": analysis.may_edit(principal, found["a"].scope) and found["a"].state == "draft",
    }, active="monitoring")


@router.post("/monitoring/analyses/{analysis_id}/edit")
async def edit_page(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "write"))):
    form = await request.form()
    texts = {k[5:]: str(v)[:analysis.MAX_TEXT + 1] for k, v in form.items() if k.startswith("text_")}
    work(request, lambda s: analysis.edit(s, principal, analysis_id, texts, now=clock()))
    return _back(f"/monitoring/analyses/{analysis_id}")


@router.post("/monitoring/analyses/{analysis_id}/regenerate")
def regenerate_page(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "write"))):
    def run(session):
        row = analysis.get(session, principal, analysis_id)
        analysis.generate(session, principal, row.month, row.scope, now=clock())

    work(request, run)
    return _back(f"/monitoring/analyses/{analysis_id}")


@router.post("/monitoring/analyses/{analysis_id}/release")
def release_page(request: Request, analysis_id: ID, version: int = Form(..., ge=1, le=2**31 - 1),
                 principal: Principal = Depends(require("analysis", "write"))):
    work(request, lambda s: analysis.release(s, principal, analysis_id, now=clock(), version=version))
    return _back(f"/monitoring/analyses/{analysis_id}")


@router.get("/monitoring/key-enterprises")
def keys_page(request: Request, principal: Principal = Depends(require("analysis", "read"))):
    def run(session):
        listed = keys.current(session, clock().date())
        return {"listed": sorted(listed.why.items()), "kept": views.kept_keys(session)}

    found = read(request, run)
    return render(request, "monitoring/keys.html", {
        "title": "重点企业名单", **found, "sources": keys.sources(),
        "may_edit": analysis.may_edit(principal, ""),
    }, active="monitoring")


@router.post("/monitoring/key-enterprises")
def keep_page(request: Request, uscc: str = Form(..., max_length=18), action: str = Form(..., pattern="^(add|remove)$"),
              note: str = Form("", max_length=2000), principal: Principal = Depends(require("analysis", "write"))):
    def run(session):
        if not analysis.may_edit(principal, ""):
            raise NotAllowed("key", "只有经济运行部门可以维护重点企业名单")
        keys.keep(session, uscc, action, note, actor=principal.username, actor_id=principal.user_id, now=clock())

    work(request, run)
    return _back("/monitoring/key-enterprises")


HOLIDAY_RE = r"^(?:19|20|21)\d{2}-[A-Za-z_\u4e00-\u9fff、]{1,40}$|^$"


def resumption_context(session, principal, holiday: str, region: str, days: int) -> dict:
    from zhida.monitoring import resumption

    picked, have = resumption.chosen(session, holiday or None)
    found = resumption.report(session, principal, picked, region=region, n=days) if picked else None
    return {"report": found, "holidays": have, "picked": picked, "regions": views.regions(session, principal),
            "scope": views.region_scope(principal, region), "days": days}


@router.get("/monitoring/resumption")
def resumption_page(request: Request, holiday: str = Query("", pattern=HOLIDAY_RE),
                    region: str = Query("", max_length=12), days: int = Query(5, ge=1, le=20),
                    principal: Principal = Depends(officials)):
    found = read(request, lambda s: resumption_context(s, principal, holiday, region, days))
    report = found["report"]
    return render(request, "monitoring/resumption.html", {
        "title": "节假日开复工监测", **found, "chart": charts.resumption(report) if report else None,
    }, active="monitoring")


@router.get("/monitoring/resumption.xlsx")
def resumption_xlsx(request: Request, holiday: str = Query("", pattern=HOLIDAY_RE),
                    region: str = Query("", max_length=12), days: int = Query(5, ge=1, le=20),
                    principal: Principal = Depends(officials)):
    from fastapi.responses import Response

    from zhida import audit
    from zhida.web.errors import NotFound
    from zhida.web.monitoring import reports

    report = read(request, lambda s: resumption_context(s, principal, holiday, region, days))["report"]
    if report is None:
        raise NotFound("暂无开复工报送数据", field="holiday")
    audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="export",
                entity="mon_resumption", entity_id=report.holiday.key,
                detail=f"导出节假日开复工情况（XLSX，{report.holiday.label}，{report.scope or '全市'}）")
    name = f"resumption-{report.holiday.key}-{report.scope or 'city'}.xlsx"
    return Response(reports.resumption_xlsx(report), media_type=reports.XLSX,
                    headers={"Content-Disposition": f"attachment; filename={name}"})
