"""精准推送 API: the push lists of the last complete batch (JSON, XLSX)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from zhida.web import push_lists
from zhida.web.api.enterprise_schemas import (PushEnterprisePage, PushEnterpriseRow, PushGroup, PushLists, PushMeasure,
                                              PushMeasureLine, PushMeasurePage)
from zhida.web.api.schemas import PageMeta
from zhida.web.deps import Principal, require
from zhida.web.errors import WRITE_ERRORS, WebError

router = APIRouter(prefix="/api/v1/push", tags=["精准推送"])
reader = require("push", "read")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEASURE = Query(None, max_length=128, description="措施编号")
REGION = Query(None, max_length=32, description="地区名称，如 朝阳区")
INDUSTRY = Query(None, max_length=8, description="行业代码前缀，如 C 或 C39")


def _batch(request: Request):
    batch = request.app.state.jobs.latest
    if batch is None:
        raise WebError(409, "conflict", "尚未完成批量匹配：请先 POST /api/v1/jobs/batch")
    return batch


@router.get("", response_model=PushLists, responses=WRITE_ERRORS, summary="推送名单（按责任单位分组；每项措施最多列出 limit 家）")
def get_push_lists(request: Request, measure: str | None = MEASURE, region: str | None = REGION,
                   industry: str | None = INDUSTRY, limit: int = Query(100, ge=1, le=10000, description="每项措施最多列出的企业数"),
                   principal: Principal = Depends(reader)) -> PushLists:
    batch = _batch(request)
    lists = push_lists.build(batch, principal, measure=measure, region=region, industry=industry,
                             limit_per_measure=limit)
    groups = [PushGroup(unit=unit, measures=[PushMeasure(**m) for m in entries])
              for unit, entries in push_lists.grouped(lists, principal)]
    return PushLists(as_of=batch.as_of.isoformat(), groups=groups)


@router.get("/export.xlsx", response_class=Response, summary="导出推送名单（XLSX，完整名单）",
            responses={**WRITE_ERRORS, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                                             "description": "推送名单 XLSX"}})
def export_push_lists(request: Request, measure: str | None = MEASURE, region: str | None = REGION,
                      industry: str | None = INDUSTRY, principal: Principal = Depends(reader)):
    return push_lists.export_response(request, principal, measure=measure, region=region, industry=industry)


@router.get("/measures", response_model=PushMeasurePage, responses=WRITE_ERRORS,
            summary="推送名单：每项措施一行（列出全部责任单位），金额按类别，按文件分组排序，分页")
def measure_lines(request: Request, q: str = Query("", max_length=64, description="检索词：措施、待遇、责任单位、文件标题或文号"),
                  region: str | None = REGION, industry: str | None = INDUSTRY, page: int = Query(1, ge=1, le=10_000),
                  per_page: int = Query(20, ge=1, le=100), principal: Principal = Depends(reader)) -> PushMeasurePage:
    from zhida.matching.match import load_default_policies
    from zhida.pushlists import listing

    batch, policies = _batch(request), load_default_policies()
    found = listing.listing(batch.run, policies, push_lists.scope_of(principal), query=q, region=region,
                            industry=industry, page=page, per_page=per_page,
                            titles=push_lists.titles(request.app.state.store, policies))
    return PushMeasurePage(as_of=batch.as_of.isoformat(), district=found.district, population=found.population,
                           items=[_line(x) for x in found.lines],
                           meta=PageMeta(page=found.page, per_page=per_page, total=found.matched, pages=found.pages))


@router.get("/measures/{measure_id}/enterprises", response_model=PushEnterprisePage, responses=WRITE_ERRORS,
            summary="一项措施的符合条件企业（金额从大到小，分页）")
def measure_enterprises(request: Request, measure_id: str, region: str | None = REGION,
                        industry: str | None = INDUSTRY, page: int = Query(1, ge=1, le=100_000),
                        per_page: int = Query(50, ge=1, le=1000), principal: Principal = Depends(reader)) -> PushEnterprisePage:
    from zhida.enterprises import regions
    from zhida.matching.match import load_default_policies
    from zhida.pushlists import listing
    from zhida.pushlists.choices import industry_label
    from zhida.rules.totals import GROUP_ZH
    from zhida.web.errors import NotFound

    batch, policies = _batch(request), load_default_policies()
    found = listing.enterprises(batch.run, policies, push_lists.scope_of(principal), measure_id, region=region,
                                industry=industry, page=page, per_page=per_page,
                                titles=push_lists.titles(request.app.state.store, policies))
    if found is None:
        raise NotFound(f"措施 {measure_id} 不存在或不在您的责任范围内", field="measure_id")
    rows = [PushEnterpriseRow(uscc=x.uscc, name=x.name, region=regions.label(x.area), industry=industry_label(x.industry_code),
                              kind=x.bucket, kind_label=GROUP_ZH[x.bucket], amount=_yuan(x.amount), floor=x.floor)
            for x in found.rows]
    return PushEnterprisePage(measure=_line(found.line), items=rows,
                              meta=PageMeta(page=found.page, per_page=per_page, total=found.line.count, pages=found.pages))


def _line(x) -> PushMeasureLine:
    return PushMeasureLine(measure_id=x.measure_id, title=x.title, document=x.document, document_label=x.document_label,
                           units=x.units, count=x.count, kind=x.bucket, kind_label=x.kind_label, decided=x.decided,
                           total=_yuan(x.total), pending=x.pending, pending_known=_yuan(x.pending_known))


def _yuan(value) -> str | None:
    return None if value is None else f"{value:.2f}"
