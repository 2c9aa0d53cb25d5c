"""REST API of the registries: /api/v1/registries (definitions with the criteria in force),
members on a date, proposals (enterprise application, district recommendation) and the keeping
unit's bulk review, batch runs (candidates + 动态管理 flags), flags, figures (JSON / XLSX),
targets, imports and exports."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from zhida.enterprises.tables import Enterprise
from zhida.registries import dynamic, figures, figures_cache, imports, membership, review, service
from zhida.registries.definition import registries
from zhida.registries.tables import Flag, Proposal
from zhida.web.api.common import Pagination, meta, pagination
from zhida.web.deps import Principal, require
from zhida.web.library import Page
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Forbidden, Invalid
from zhida.web.domain import as_web_errors, read, work
from zhida.web.registries.common import (actor, flag_json, keeps, member_json, proposal_json, registry_json,
                                         registry_or_404, require_keeper)

router = APIRouter(tags=["企业库与名单"])
reader, applicant = require("registries", "read"), require("registries", "apply")
official = require("registries", "manage")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ON = Query(None, description="日期 YYYY-MM-DD（默认今天）")
MAX_IMPORT = 5 * 1024 * 1024


def _on(on: date | None) -> date:
    return on or date.today()


class NewProposal(BaseModel):
    uscc: str | None = Field(None, min_length=18, max_length=18, description="推荐的企业（企业申请时不填：本企业）")
    tier: str | None = Field(None, max_length=64, description="层级或类别代码（不填为第一层级）")
    note: str | None = Field(None, max_length=2000, description="申请或推荐理由")


class Decision(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=5000, description="申请编号")
    decision: Literal["accept", "reject"]
    reason: str | None = Field(None, max_length=2000, description="不予入库须写理由")
    tier: str | None = Field(None, max_length=64, description="入库层级或类别（不填按申请）")
    on: date | None = Field(None, description="入库日期（默认今天）")


class Run(BaseModel):
    on: date | None = Field(None, description="评估日（默认今天）")


class FlagAnswer(BaseModel):
    keep: bool = Field(description="true 保留；false 移出（自评估日起）")
    reason: str = Field(min_length=1, max_length=2000)
    on: date | None = None


class NewTarget(BaseModel):
    region_code: str = Field(pattern=r"^\d{6}$")
    tier: str = Field(max_length=64)
    year: int = Field(ge=2000, le=2100)
    target: int = Field(ge=0, le=10_000_000)


@router.get("/api/v1/registries", responses=READ_ERRORS, summary="全部企业库与名单：主管单位、层级、当日适用的认定标准")
def list_registries(on: date | None = ON, principal: Principal = Depends(reader)) -> dict[str, Any]:
    day = _on(on)
    items = [registry_json(r, day) for r in registries().values()]
    return {"on": day.isoformat(), "items": items, "meta": meta(Page(items, len(items), 1, max(1, len(items))))}


@router.get("/api/v1/registries/{name}", responses=LOOKUP_ERRORS, summary="一个企业库：层级、认定标准（当日适用版本）及出处")
def get_registry(name: str, on: date | None = ON, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return registry_json(registry_or_404(name), _on(on))


@router.get("/api/v1/registries/{name}/members", responses=LOOKUP_ERRORS, summary="某日在库企业（按入库历史）")
def list_members(request: Request, name: str, on: date | None = ON, tier: str | None = Query(None, max_length=64),
                 region: str | None = Query(None, pattern=r"^\d{6}$"), paging: Pagination = Depends(pagination),
                 after: str | None = Query(None, max_length=18, description="键集分页：该统一社会信用代码之后的一页（忽略 page）"),
                 principal: Principal = Depends(official)) -> dict[str, Any]:
    reg, day = registry_or_404(name), _on(on)
    where = {"after": after} if after else {"offset": paging.offset}
    total, rows = read(request, lambda s: membership.members_on(s, reg.name, day, tier=tier, region=region,
                                                                limit=paging.per_page, **where))
    items = [member_json(reg, m) for m in rows]
    return {"on": day.isoformat(), "items": items, "meta": meta(Page(items, total, paging.page, paging.per_page))}


@router.get("/api/v1/registries/{name}/members.xlsx", response_class=Response, summary="导出某日名单（XLSX，可再导入）",
            responses={**LOOKUP_ERRORS, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                                              "description": "名单"}})
def export_members(request: Request, name: str, on: date | None = ON, principal: Principal = Depends(official)):
    reg, day = registry_or_404(name), _on(on)
    data = read(request, lambda s: imports.members_xlsx(reg, membership.members_on(s, reg.name, day)[1], day))
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename={reg.name}-{day}.xlsx"})


@router.get("/api/v1/registries/{name}/proposals", responses=LOOKUP_ERRORS, summary="入库申请（默认：待审核的）")
def list_proposals(request: Request, name: str, pending: bool = True, paging: Pagination = Depends(pagination),
                   principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)

    def run(s):
        q = select(Proposal).where(Proposal.registry_name == reg.name)
        if pending:
            q = q.where(Proposal.open.is_(True))
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.scalars(q.order_by(Proposal.id).offset(paging.offset).limit(paging.per_page)).all()
        return total, [proposal_json(reg, p, None if pending else review.state_of(s, p)) for p in rows]

    total, items = read(request, run)
    return {"items": items, "meta": meta(Page(items, total, paging.page, paging.per_page))}


@router.post("/api/v1/registries/{name}/proposals", status_code=201, responses=WRITE_ERRORS,
             summary="申请入库（企业为本企业）或推荐入库（区级工作人员为本区企业）")
def create_proposal(request: Request, name: str, body: NewProposal, principal: Principal = Depends(applicant)) -> dict[str, Any]:
    reg = registry_or_404(name)
    if principal.role == "enterprise":
        if body.uscc not in (None, principal.uscc):
            raise Forbidden("企业只能为本企业申请入库")
        uscc, way = principal.uscc, "application"
    else:
        if not body.uscc:
            raise Invalid("推荐入库须填写企业统一社会信用代码", field="uscc")
        uscc, way = body.uscc.upper(), "recommendation"

    def run(s):
        if principal.district_scoped:
            region = s.scalar(select(Enterprise.region_code).where(Enterprise.uscc == uscc))
            if region is not None and region != principal.region_code:
                raise Forbidden("只能推荐本区企业")
        who = review.proposer(principal.username, principal.user_id)
        p = review.propose(s, reg, uscc=uscc, tier=body.tier, way=way, actor=who, on=date.today(), note=body.note)
        return proposal_json(reg, p, "待审核")

    return work(request, run)


@router.post("/api/v1/registries/{name}/proposals/decisions", responses=WRITE_ERRORS,
             summary="主管单位批量审核：通过入库或不予入库（须写理由）")
def decide(request: Request, name: str, body: Decision, principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    rows = work(request, lambda s: [p.id for p in review.decide(
        s, reg, body.ids, body.decision, actor=actor(principal), on=_on(body.on), reason=body.reason, tier=body.tier)])
    return {"decided": len(rows), "decision": body.decision}


@router.post("/api/v1/registries/{name}/runs", responses=WRITE_ERRORS,
             summary="批量筛选：符合标准且未入库的企业提交审核；不再符合标准的成员标记动态管理提示")
def run_batch(request: Request, name: str, body: Run, principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    day = _on(body.on)
    with as_web_errors():
        result = service.run(request.app.state.store, reg, day, actor=principal.username, actor_id=principal.user_id)
    return {"on": day.isoformat(), "candidates": len(result.candidates), "proposed": result.proposed,
            "flagged": result.flagged}


@router.get("/api/v1/registries/{name}/flags", responses=LOOKUP_ERRORS, summary="动态管理提示：不再符合标准的成员及原因")
def list_flags(request: Request, name: str, resolved: bool = False, paging: Pagination = Depends(pagination),
               principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)

    def run(s):
        q = select(Flag).where(Flag.registry_name == reg.name, Flag.resolved.is_(resolved))
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        return total, [flag_json(reg, f) for f in s.scalars(q.order_by(Flag.id).offset(paging.offset).limit(paging.per_page))]

    total, items = read(request, run)
    return {"items": items, "meta": meta(Page(items, total, paging.page, paging.per_page))}


@router.post("/api/v1/registries/{name}/flags/{flag_id}", responses=WRITE_ERRORS, summary="处理动态管理提示：保留或移出")
def answer_flag(request: Request, name: str, flag_id: int, body: FlagAnswer,
                principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    f = work(request, lambda s: flag_json(reg, dynamic.resolve(s, reg, flag_id, keep=body.keep, reason=body.reason,
                                                                on=_on(body.on), actor=principal.username,
                                                                actor_id=principal.user_id)))
    return f


@router.get("/api/v1/registries/{name}/figures", responses=LOOKUP_ERRORS,
            summary="梯度培育统计：各层级数量、趋势、分区、分行业、升级转化、目标完成")
def get_figures(request: Request, name: str, on: date | None = ON, principal: Principal = Depends(official)) -> dict[str, Any]:
    reg, day = registry_or_404(name), _on(on)
    with as_web_errors():
        f, computed_at = figures_cache.current(request.app.state.store, reg, day)
    return {"on": day.isoformat(), "computed_at": computed_at.isoformat(), "tiers": f.tiers, "trend": f.trend, "regions": f.regions, "industries": f.industries,
            "conversion": f.conversion, "progress": f.progress}


@router.get("/api/v1/registries/{name}/figures.xlsx", response_class=Response, summary="导出梯度培育统计（XLSX）",
            responses={**LOOKUP_ERRORS, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                                              "description": "统计"}})
def export_figures(request: Request, name: str, on: date | None = ON, principal: Principal = Depends(official)):
    reg, day = registry_or_404(name), _on(on)
    with as_web_errors():
        data = figures.xlsx(reg, figures_cache.current(request.app.state.store, reg, day)[0])
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename={reg.name}-figures-{day}.xlsx"})


@router.post("/api/v1/registries/{name}/targets", responses=WRITE_ERRORS, summary="设定区级培育目标（本区或主管单位）")
def set_target(request: Request, name: str, body: NewTarget, principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)
    if not keeps(principal, reg) and principal.region_code != body.region_code:
        raise Forbidden("只能设定本区的目标")
    work(request, lambda s: figures.set_target(s, reg, region_code=body.region_code, tier=body.tier, year=body.year,
                                               target=body.target, actor=principal.username, actor_id=principal.user_id))
    return body.model_dump()


@router.post("/api/v1/registries/{name}/imports", responses=WRITE_ERRORS,
             summary="导入其他系统的名单（XLSX）；返回未导入行及原因；重复导入不重复入库")
async def import_list(request: Request, name: str, file: UploadFile = File(...), valid_from: date | None = Query(None),
                      principal: Principal = Depends(official)) -> dict[str, Any]:
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    data = await file.read(MAX_IMPORT + 1)
    if len(data) > MAX_IMPORT:
        raise Invalid("文件超过 5 MB", field="file")
    result = work(request, lambda s: imports.import_xlsx(s, reg, data, source_name=file.filename or "upload.xlsx",
                                                         default_from=_on(valid_from), actor=principal.username,
                                                         actor_id=principal.user_id))
    return {"import_id": result.import_id, "added": result.added, "unchanged": result.unchanged,
            "rejects": result.rejects}
