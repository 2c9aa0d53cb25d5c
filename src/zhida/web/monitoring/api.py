"""REST API of monitoring: indicators per enterprise and month, alerts (list, close with a note),
亩均 evaluations per enterprise and year. Row scope and who may close are zhida.monitoring.views'."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from zhida.monitoring import alerts as alert_runs, views
from zhida.web.deps import Principal, require
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS

router = APIRouter(tags=["运行监测"])
MONTH = Query(None, pattern=r"^\d{4}-(?:0[1-9]|1[0-2])$", description="月份 YYYY-MM")
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
