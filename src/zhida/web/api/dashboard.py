"""工作台 API: the figures of the dashboard page (zhida.batch.dashboard) as JSON, same scope rules."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from zhida.batch import dashboard
from zhida.web.deps import Principal, require
from zhida.web.errors import WRITE_ERRORS, WebError
from zhida.web.pages.dashboard import scope_for, scope_label

router = APIRouter(prefix="/api/v1/dashboard", tags=["工作台"])


class MoneyOut(BaseModel):
    total: str  # yuan, exact to the fen
    count: int  # results counted in this kind
    unknown: int  # of which the amount is unknown or only a floor


class MeasureOut(BaseModel):
    id: str
    title: str
    units: list[str]
    document: str
    eligible: int
    undetermined: int
    deciding_fact: str | None
    deciding_count: int
    money: dict[str, MoneyOut]  # certain 确定可得, up_to 最高可达, tax 减免·抵扣·递延, pending 待认定
    unquantified: int
    counted: bool
    not_counted: str | None
    trend_eligible: int | None  # change since the previous complete batch; null without one


class SliceOut(BaseModel):
    key: str
    label: str
    enterprises: int
    money: dict[str, MoneyOut]


class DashboardOut(BaseModel):
    as_of: str
    previous_as_of: str | None
    scope: str
    enterprises: int
    reached: int
    money: dict[str, MoneyOut]
    measures: list[MeasureOut]
    by: str
    slices: list[SliceOut]


def _money(values: dict) -> dict[str, MoneyOut]:
    return {k: MoneyOut(total=f"{m.total:.2f}", count=m.count, unknown=m.unknown) for k, m in values.items()}


@router.get("", response_model=DashboardOut, responses=WRITE_ERRORS,
            summary="工作台：本单位、本辖区各项措施的符合条件/待确认企业数、金额（按类）、较上次变化及分布")
def get_dashboard(request: Request, unit: str = Query("", max_length=64, description="责任单位"),
                  industry: str = Query("", max_length=8, description="行业门类字母，如 C"),
                  area: str = Query("", max_length=32, description="区县（管理员）：名称或代码"),
                  by: str = Query("district", pattern="^(district|street|zone|industry)$", description="分布维度"),
                  measure: str = Query("", max_length=128, description="只看这项措施的分布"),
                  principal: Principal = Depends(require("dashboard", "read"))) -> DashboardOut:
    batch = request.app.state.jobs.latest
    if batch is None:
        raise WebError(409, "conflict", "尚未完成批量匹配：请先运行批量匹配")
    scope, _filters = scope_for(principal, unit, industry, area)
    run = batch.run
    previous = dashboard.previous(run, request.app.state.store)
    rows = dashboard.measure_rows(run, scope, previous)
    totals = dashboard.totals(run, scope)
    chosen = measure if any(r.id == measure for r in rows) else None
    slices = dashboard.breakdown(run, scope, by, measure=chosen)
    return DashboardOut(
        as_of=run.as_of.isoformat(), previous_as_of=previous.as_of.isoformat() if previous else None,
        scope=scope_label(principal, scope), enterprises=totals["enterprises"], reached=totals["reached"],
        money=_money(totals["money"]), by=by,
        measures=[MeasureOut(id=r.id, title=r.title, units=r.units, document=r.document, eligible=r.eligible,
                             undetermined=r.undetermined, deciding_fact=r.deciding_fact,
                             deciding_count=r.deciding_count, money=_money(r.money), unquantified=r.unquantified,
                             counted=r.counted, not_counted=r.not_counted,
                             trend_eligible=r.trend["eligible"] if r.trend else None)
                  for r in dashboard.sort_rows(rows, "eligible")],
        slices=[SliceOut(key=s.key, label=s.label, enterprises=s.enterprises, money=_money(s.money)) for s in slices])
