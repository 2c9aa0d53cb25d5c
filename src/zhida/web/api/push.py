"""精准推送 API: the push lists of the last complete batch (JSON, XLSX)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from zhida.web import push_lists
from zhida.web.api.enterprise_schemas import PushGroup, PushLists, PushMeasure
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
              for unit, entries in push_lists.by_unit(lists, principal)]
    return PushLists(as_of=batch.as_of.isoformat(), groups=groups)


@router.get("/export.xlsx", response_class=Response, summary="导出推送名单（XLSX，完整名单）",
            responses={**WRITE_ERRORS, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                                             "description": "推送名单 XLSX"}})
def export_push_lists(request: Request, measure: str | None = MEASURE, region: str | None = REGION,
                      industry: str | None = INDUSTRY, principal: Principal = Depends(reader)):
    return push_lists.export_response(request, principal, measure=measure, region=region, industry=industry)
