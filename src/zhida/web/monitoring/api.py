"""REST API of monitoring: indicators per enterprise and month, alerts (list, close with a note),
亩均 evaluations per enterprise and year. Row scope and who may close are zhida.monitoring.views'."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from fastapi.responses import Response

from zhida import audit
from zhida.monitoring import alerts as alert_runs, analysis, parks, prices, views
from zhida.web.deps import Principal, require
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS

router = APIRouter(tags=["运行监测"])
MONTH_RE = r"^(?:19|20|21)\d{2}-(?:0[1-9]|1[0-2])$"  # a real year: 0000-01 is not a month
MONTH = Query(None, pattern=MONTH_RE, description="月份 YYYY-MM")
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _dec(value) -> str | None:
    return None if value is None else str(value)


@router.get("/api/v1/indicators", responses=READ_ERRORS, summary="企业月度运行指标（企业看本企业，区级人员看本区）")
def list_indicators(request: Request, month: str | None = MONTH,
                    uscc: str | None = Query(None, pattern=r"^[0-9A-Z]{18}$"),
                    principal: Principal = Depends(require("indicators", "read"))) -> dict[str, Any]:
    def run(session):
        rows = views.indicators(session, principal, month=month, uscc=uscc)
        return {"items": [{"uscc": r.uscc, "month": r.month, "region_code": r.region_code,
                           "industry_code": r.industry_code, "output_value": _dec(r.output_value),
                           "revenue": _dec(r.revenue), "electricity": _dec(r.electricity), "employees": r.employees,
                           "orders": _dec(r.orders)} for r in rows]}

    return read(request, run)


def alert_json(a) -> dict[str, Any]:
    return {"id": a.id, "rule": a.rule_id, "label": a.label, "uscc": a.uscc, "month": a.month, "unit": a.unit,
            "reason": a.reason, "status": a.status, "status_label": "已办结" if a.status == "closed" else "处置中",
            "request_id": a.request_id, "request_href": f"/api/v1/requests/{a.request_id}" if a.request_id else None,
            "note": a.note, "closed_at": a.closed_at.isoformat() if a.closed_at else None, "closed_by": a.closed_by}


@router.get("/api/v1/alerts", responses=READ_ERRORS, summary="运行监测预警（本单位承办的；管理员看全部）")
def list_alerts(request: Request, month: str | None = MONTH, status: Literal["open", "closed"] | None = None,
                principal: Principal = Depends(require("alerts", "read"))) -> dict[str, Any]:
    return read(request, lambda s: {"items": [alert_json(a) for a in views.alerts(s, principal, month=month, status=status)]})


class Close(BaseModel):
    note: str = Field(min_length=1, max_length=2000, description="办结说明")


@router.post("/api/v1/alerts/{alert_id}/close", responses={**WRITE_ERRORS, **LOOKUP_ERRORS},
             summary="办结预警并写明说明（承办单位）")
def close_alert(request: Request, alert_id: ID, body: Close,
                principal: Principal = Depends(require("alerts", "write"))) -> dict[str, Any]:
    def run(session):
        alert = alert_runs.close(session, alert_id, body.note, actor=principal.username,
                                 units=views.closing_units(principal), now=clock(), actor_id=principal.user_id)
        return alert_json(alert)

    return work(request, run)


@router.get("/api/v1/evaluations", responses=READ_ERRORS, summary="亩均效益综合评价：得分与分档（企业看本企业）")
def list_evaluations(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                     grade: Literal["A", "B", "C", "D"] | None = None,
                     principal: Principal = Depends(require("evaluations", "read"))) -> dict[str, Any]:
    def run(session):
        rows = views.evaluations(session, principal, year=year, grade=grade)
        return {"items": [{"uscc": e.uscc, "year": e.year, "region_code": e.region_code,
                           "industry_code": e.industry_code, "score": _dec(e.score), "grade": e.grade,
                           "grade_label": {None: "待补数据"}.get(e.grade, e.grade), "method": e.method,
                           "indicators": e.indicators} for e in rows]}

    return read(request, run)


@router.get("/api/v1/indicators/figures", responses=READ_ERRORS,
            summary="某月分区、分行业运行情况（当月、同比、累计、累计同比；区级人员看本区）")
def indicator_figures(request: Request, month: str | None = MONTH, region: str | None = Query(None, max_length=12),
                      principal: Principal = Depends(require("monitoring", "read"))) -> dict[str, Any]:
    def run(session):
        chosen = month or views.latest_month(session) or clock().strftime("%Y-%m")
        return analysis.build_figures(session, chosen, views.region_scope(principal, region))

    return read(request, run)


@router.get("/api/v1/indicators/parks", responses=READ_ERRORS,
            summary="某月分园区运行情况（报送企业数、产值、营收、用电、用工的当月、同比、累计；区级人员看本区）")
def indicator_parks(request: Request, month: str | None = MONTH, region: str | None = Query(None, max_length=12),
                    park: str | None = Query(None, max_length=64, description="园区名称：列出该园区的企业"),
                    principal: Principal = Depends(require("monitoring", "read"))) -> dict[str, Any]:
    def run(session):
        chosen = month or views.latest_month(session) or clock().strftime("%Y-%m")
        return parks.figures_json(session, principal, chosen, region, park)

    return read(request, run)


@router.get("/api/v1/indicators/prices", responses=READ_ERRORS, summary="原材料价格（煤炭、铁矿石、钢铁、化肥；按月）")
def price_series(request: Request, principal: Principal = Depends(require("monitoring", "read"))) -> dict[str, Any]:
    def run(session):
        return {"items": [{"commodity": c, "label": prices.label(c), "unit": prices.COMMODITIES[c][1],
                           "points": [{"month": m, "price": str(p)} for m, p in points]}
                          for c, points in sorted(prices.series(session, 36).items())]}

    return read(request, run)


def analysis_json(session, row) -> dict[str, Any]:
    return {"id": row.id, "month": row.month, "scope": row.scope, "state": row.state,
            "state_label": analysis.FLOW.label_of(row.state), "version": analysis.case_version(session, row),
            "paragraphs": [{"key": k, "title": t, "text": x} for k, t, x in analysis.text_of(row)],
            "figures": row.figures, "updated_at": row.updated_at.isoformat(), "updated_by": row.updated_by,
            "xlsx": f"/api/v1/analyses/{row.id}/report.xlsx", "pdf": f"/api/v1/analyses/{row.id}/report.pdf"}


@router.get("/api/v1/analyses", responses=READ_ERRORS, summary="工业经济运行分析（月度）列表")
def list_analyses(request: Request, principal: Principal = Depends(require("analysis", "read"))) -> dict[str, Any]:
    return read(request, lambda s: {"items": [{"id": r.id, "month": r.month, "scope": r.scope, "state": r.state,
                                               "state_label": analysis.FLOW.label_of(r.state)}
                                              for r in analysis.listing(s, principal)]})


class Generate(BaseModel):
    month: str = Field(pattern=MONTH_RE, description="月份 YYYY-MM")
    region: str | None = Field(None, max_length=12, description="区代码；空为全市")


@router.post("/api/v1/analyses", responses=WRITE_ERRORS, summary="生成（或在草稿时重新生成）某月运行分析")
def generate_analysis(request: Request, body: Generate,
                      principal: Principal = Depends(require("analysis", "write"))) -> dict[str, Any]:
    made = work(request, lambda s: analysis.generate(s, principal, body.month, analysis.scope_for(principal, body.region),
                                                     now=clock()).id)
    return read(request, lambda s: analysis_json(s, analysis.get(s, principal, made)))


@router.get("/api/v1/analyses/{analysis_id}", responses=LOOKUP_ERRORS, summary="一份运行分析：文字、表格、状态")
def get_analysis(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "read"))) -> dict[str, Any]:
    return read(request, lambda s: analysis_json(s, analysis.get(s, principal, analysis_id)))


class Texts(BaseModel):
    paragraphs: dict[str, str] = Field(max_length=20, description="段落键 → 文字")


@router.patch("/api/v1/analyses/{analysis_id}", responses=WRITE_ERRORS, summary="修改运行分析的文字（仅草稿）")
def edit_analysis(request: Request, analysis_id: ID, body: Texts,
                  principal: Principal = Depends(require("analysis", "write"))) -> dict[str, Any]:
    work(request, lambda s: analysis.edit(s, principal, analysis_id, body.paragraphs, now=clock()))
    return read(request, lambda s: analysis_json(s, analysis.get(s, principal, analysis_id)))


class Release(BaseModel):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="所见的版本")


@router.post("/api/v1/analyses/{analysis_id}/release", responses=WRITE_ERRORS, summary="发布运行分析（发布后不可修改）")
def release_analysis(request: Request, analysis_id: ID, body: Release,
                     principal: Principal = Depends(require("analysis", "write"))) -> dict[str, Any]:
    work(request, lambda s: analysis.release(s, principal, analysis_id, now=clock(), version=body.version))
    return read(request, lambda s: analysis_json(s, analysis.get(s, principal, analysis_id)))


def _export(request: Request, principal: Principal, analysis_id: int, kind: str) -> Response:
    from zhida.web.monitoring import reports

    row = read(request, lambda s: analysis.get(s, principal, analysis_id))
    if kind == "xlsx":
        content, media = reports.xlsx_bytes(row), reports.XLSX
    else:
        content, media = reports.pdf_bytes(row, request.app.state.templates.env), "application/pdf"
    audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="export",
                entity="mon_analysis", entity_id=str(row.id),
                detail=f"导出工业经济运行分析（{kind.upper()}，{row.month}）")
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename=analysis-{row.month}-{row.scope or 'city'}.{kind}"})


@router.get("/api/v1/analyses/{analysis_id}/report.xlsx", responses=LOOKUP_ERRORS, summary="运行分析（XLSX）")
def analysis_xlsx(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "read"))) -> Response:
    return _export(request, principal, analysis_id, "xlsx")


@router.get("/api/v1/analyses/{analysis_id}/report.pdf", responses=LOOKUP_ERRORS, summary="运行分析（A4 PDF）")
def analysis_pdf(request: Request, analysis_id: ID, principal: Principal = Depends(require("analysis", "read"))) -> Response:
    return _export(request, principal, analysis_id, "pdf")


def resumption_json(report, holidays) -> dict[str, Any]:
    def count(c) -> dict[str, Any]:
        return {"key": c.key, "label": c.label, "expected": c.expected, "reported": c.reported, "resumed": c.resumed,
                "not_resumed": c.not_resumed, "rate": _dec(c.rate)}

    return {"holidays": [{"key": h.key, "label": h.label} for h in holidays],
            "holiday": None if report is None else {
                "key": report.holiday.key, "label": report.holiday.label,
                "first_off": report.holiday.first_off.isoformat(), "last_off": report.holiday.last_off.isoformat()},
            "scope": None if report is None else report.scope,
            "days": [] if report is None else [
                {"day": d.day.isoformat(), "index": d.index, "total": count(d.total),
                 "districts": [count(c) for c in d.districts], "industries": [count(c) for c in d.industries]}
                for d in report.days],
            "third_day": report.third_day.isoformat() if report and report.third_day else None,
            "rule": report.rule_label if report else None,
            "not_resumed": [] if report is None else report.not_resumed}


@router.get("/api/v1/indicators/resumption", responses=READ_ERRORS,
            summary="节假日后前N个工作日开复工情况（分区、分行业复工率；第3个工作日未复工企业；区级人员看本区）")
def resumption(request: Request,
               holiday: str | None = Query(None, pattern=r"^(?:19|20|21)\d{2}-[A-Za-z_\u4e00-\u9fff、]{1,40}$",
                                           description="节假日：年份-名称，如 2026-春节、2026-national_day；缺省为有数据的最近一个"),
               region: str | None = Query(None, max_length=12, description="区代码；区级人员只看本区"),
               days: int = Query(5, ge=1, le=20, description="节后工作日数（调休上班日计入）"),
               principal: Principal = Depends(require("monitoring", "read"))) -> dict[str, Any]:
    from zhida.monitoring import resumption as domain

    def run(session):
        picked, have = domain.chosen(session, holiday)
        found = domain.report(session, principal, picked, region=region, n=days) if picked else None
        return resumption_json(found, have)

    return read(request, run)
