"""REST API of the project library: /api/v1/projects (projects, stages, 首谈制, the agency reward,
matched parcels, imports) and /api/v1/projects/map (产业地图: districts, parcels, candidates)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from zhida.projects import agency, coverage, imports, library, parcels, shoutan
from zhida.projects.roles import is_city, visible
from zhida.projects.tables import Project
from zhida.web.deps import Principal, require
from zhida.web.ids import MAX_ROW_ID, RowId
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Forbidden
from zhida.web.projects.common import local, now, read, today, work
from zhida.web.projects.views import project_json

router = APIRouter(tags=["高精尖产业项目库与首谈制"])
reader, writer = require("projects", "read"), require("projects", "write")
map_reader, map_writer = require("map", "read"), require("map", "write")
MAX_UPLOAD = 5 * 1024 * 1024


class ProjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="项目名称")
    code: str | None = Field(None, max_length=64, description="项目编号（不填自动编号）")
    owner_uscc: str | None = Field(None, max_length=18, description="项目业主统一社会信用代码")
    investor: str | None = Field(None, max_length=255, description="意向投资方（尚未注册时）")
    industry_code: str | None = Field(None, max_length=5)
    region_code: str = Field(max_length=32, description="所在区（代码或名称）")
    total_investment: str | None = Field(None, max_length=24, description="总投资（元）")
    new_paid_in_capital: str | None = Field(None, max_length=24, description="在京新增实缴资本（元）")
    foreign_investment_usd: str | None = Field(None, max_length=24, description="实际利用外资（美元）")
    annual_output: str | None = Field(None, max_length=24, description="达产年产值（元）")
    annual_tax: str | None = Field(None, max_length=24, description="达产年税收（元）")
    land_mu: str | None = Field(None, max_length=16, description="用地需求（亩）")
    strategic: bool | None = Field(None, description="具有全局性、战略性")
    officer_id: int | None = Field(None, ge=1, le=2**31 - 1, description="项目管家（工作人员账户）")
    agency_name: str | None = Field(None, max_length=255, description="提供引进服务的第三方机构")
    agency_uscc: str | None = Field(None, max_length=18)
    agency_entity_type: Literal["enterprise", "social_organization", "institution"] | None = None
    agency_full_service: bool | None = Field(None, description="是否提供项目引进全程服务")


class ProjectPatch(BaseModel):
    model_config = {"extra": "forbid"}
    name: str | None = Field(None, max_length=255)
    owner_uscc: str | None = Field(None, max_length=18)
    investor: str | None = Field(None, max_length=255)
    industry_code: str | None = Field(None, max_length=5)
    total_investment: str | None = Field(None, max_length=24)
    new_paid_in_capital: str | None = Field(None, max_length=24)
    foreign_investment_usd: str | None = Field(None, max_length=24)
    annual_output: str | None = Field(None, max_length=24)
    annual_tax: str | None = Field(None, max_length=24)
    land_mu: str | None = Field(None, max_length=16)
    strategic: bool | None = None
    officer_id: int | None = Field(None, ge=1, le=2**31 - 1)
    agency_name: str | None = Field(None, max_length=255)
    agency_uscc: str | None = Field(None, max_length=18)
    agency_entity_type: Literal["enterprise", "social_organization", "institution"] | None = None
    agency_full_service: bool | None = None


class StageStep(BaseModel):
    transition: Literal["reserve", "negotiate", "sign", "start_work", "produce", "drop"]
    reason: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class ShoutanStep(BaseModel):
    action: Literal["register", "recognise", "push", "assign", "reassign", "close"]
    region: str | None = Field(None, max_length=32, description="首谈区 / 落地区（代码或名称）")
    reason: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class DocumentIn(BaseModel):
    title: str = Field(min_length=1, max_length=255, description="材料名称")
    ref: str | None = Field(None, max_length=500, description="存放位置或文号")


class ParcelIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    kind: Literal["land", "building"] = "land"
    region_code: str = Field(max_length=32)
    lon: str | None = Field(None, max_length=16)
    lat: str | None = Field(None, max_length=16)
    area_mu: str = Field(max_length=16, description="面积（亩）")
    status: Literal["available", "reserved", "occupied"] = "available"
    industries: list[str] = Field(default_factory=list, max_length=20, description="规划产业（行业代码前缀）")
    standards: list[dict[str, str]] = Field(default_factory=list, max_length=20,
                                            description="准入标准 {id, label, expr}（规则表达式，基于项目事实）")
    unit: str | None = Field(None, max_length=255)


class DistrictIn(BaseModel):
    industries: list[dict[str, str]] = Field(default_factory=list, max_length=30, description="主导产业 {code, label}")
    note: str | None = Field(None, max_length=2000)


def detail(session, principal, project: Project) -> dict[str, Any]:
    case = library.stage_case(session, project)
    out = project_json(project)
    out.update(version=case.version if case else None,
               actions=[{"name": t.name, "label": t.label, "needs": list(t.needs)}
                        for t in library.available(session, principal, project)],
               shoutan_version=shoutan.case_of(session, project).version if project.shoutan_case_id else None,
               history=[{**h, "at": h["at"].isoformat(), "at_local": local(h["at"])} for h in library.history(session, project)],
               shoutan_history=[{**h, "at": h["at"].isoformat(), "at_local": local(h["at"])}
                                for h in shoutan.history(session, project)],
               shoutan_scope=shoutan.in_scope(project, today()).to_json(),
               agency_reward=agency.to_json(project, today()))
    return out


def _query(principal, region, stage, shoutan_state, flagged, q):
    query = select(Project)
    scope = visible(principal)
    if scope is not None:
        query = query.where(scope)
    if region:
        query = query.where(Project.region_code == library.values.district(region))
    if stage:
        query = query.where(Project.stage == stage)
    if shoutan_state:
        query = query.where(Project.shoutan_state == shoutan_state)
    if flagged:
        query = query.where(Project.shoutan_flagged_at.is_not(None), Project.shoutan_state == "negotiating")
    if q:
        query = query.where(Project.name.contains(q))
    return query


def list_projects(session, principal, *, region=None, stage=None, shoutan_state=None, flagged=False, q=None,
                  page=1, per_page=20, after: int | None = None) -> dict[str, Any]:
    """Newest first. ``after``: the page after that project id (keyset: walks the primary key from
    there, as fast on the 50th page as on the first); else numbered pages by OFFSET."""
    query = _query(principal, region, stage, shoutan_state, flagged, q)
    if after is not None:
        query = query.where(Project.id < after)
    else:
        query = query.offset((page - 1) * per_page)
    rows = session.scalars(query.order_by(Project.id.desc()).limit(per_page + 1)).all()
    return {"items": [project_json(p) for p in rows[:per_page]], "page": page, "per_page": per_page,
            "more": len(rows) > per_page, "next_after": rows[per_page - 1].id if len(rows) > per_page else None}


STAGE_Q = Query(None, pattern="^(planning|reserve|negotiating|signed|started|producing|dropped)$")
SHOUTAN_Q = Query(None, pattern="^(lead|pushed|negotiating|landed|closed)$")


@router.get("/api/v1/projects", responses=READ_ERRORS, summary="项目库（按角色范围：市级全部 / 本区 / 本企业）")
def api_list(request: Request, region: str | None = Query(None, max_length=32), stage: str | None = STAGE_Q,
             shoutan_state: str | None = SHOUTAN_Q, flagged: bool = False, q: str | None = Query(None, max_length=64),
             page: int = Query(1, ge=1, le=100_000), per_page: int = Query(20, ge=1, le=100),
             after: int | None = Query(None, ge=1, le=MAX_ROW_ID, description="键集分页：该项目编号之后（更早登记）的一页；见 next_after"),
             principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: list_projects(s, principal, region=region, stage=stage, shoutan_state=shoutan_state,
                                                 flagged=flagged, q=q, page=page, per_page=per_page, after=after))


@router.post("/api/v1/projects", status_code=201, responses=WRITE_ERRORS, summary="登记项目（区级工作人员登记本区项目）")
def api_create(request: Request, body: ProjectIn, principal: Principal = Depends(writer)) -> dict[str, Any]:
    data = body.model_dump()
    return work(request, lambda s: project_json(library.create(s, principal, data, now=now(), code=body.code)))


@router.get("/api/v1/projects/shoutan/figures", responses=READ_ERRORS, summary="首谈项目按区统计（推送项目计入推送区）")
def api_shoutan_figures(request: Request, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return read(request, lambda s: {"districts": shoutan.credited(s)})


@router.post("/api/v1/projects/shoutan/check", responses=WRITE_ERRORS,
             summary="首谈时限检查：洽谈超过3个月仍无实质性进展的项目标记并通知市产业主管部门")
def api_shoutan_check(request: Request, principal: Principal = Depends(writer)) -> dict[str, Any]:
    if not is_city(principal):
        raise Forbidden("只有市产业主管部门可以执行首谈时限检查")
    return work(request, lambda s: {"flagged": [project_json(p) for p in shoutan.check(s, now())]})


@router.post("/api/v1/projects/import", responses=WRITE_ERRORS, summary="导入项目（CSV/XLSX，按项目编号幂等，含拒绝清单）")
async def api_import(request: Request, file: UploadFile = File(...), principal: Principal = Depends(writer)) -> dict[str, Any]:
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        from zhida.web.errors import Invalid

        raise Invalid("文件不超过 5 MB", field="file")
    name = file.filename or ""
    return work(request, lambda s: imports.import_projects(s, principal, imports.read(content, name), now=now()).to_json())


@router.post("/api/v1/projects/service-packages/{package_id}/cover", responses=WRITE_ERRORS,
             summary="服务包覆盖项目库：本级（本区）项目业主自动纳入")
def api_cover(request: Request, package_id: RowId, principal: Principal = Depends(require("packages", "write"))) -> dict[str, Any]:
    return work(request, lambda s: {"added": coverage.cover_package(s, principal, package_id, now=now())})


@router.get("/api/v1/projects/map/{region}", responses=LOOKUP_ERRORS, summary="产业地图：一个区的主导产业、地块与楼宇")
def api_map(request: Request, region: str, principal: Principal = Depends(map_reader)) -> dict[str, Any]:
    return read(request, lambda s: parcels.district_map(s, region))


@router.put("/api/v1/projects/map/{region}", responses=WRITE_ERRORS, summary="维护区主导产业")
def api_map_district(request: Request, region: str, body: DistrictIn, principal: Principal = Depends(map_writer)) -> dict[str, Any]:
    def run(s):
        parcels.set_district(s, principal, region, body.industries, body.note, now=now())
        return parcels.district_map(s, region)

    return work(request, run)


@router.post("/api/v1/projects/parcels", responses=WRITE_ERRORS, summary="登记或更新地块（按地块编号幂等）")
def api_parcel(request: Request, body: ParcelIn, principal: Principal = Depends(map_writer)) -> dict[str, Any]:
    def run(s):
        parcel, created = parcels.save(s, principal, body.model_dump(), now=now())
        return {**parcels.parcel_json(parcel), "created": created}

    return work(request, run)


@router.get("/api/v1/projects/parcels/{parcel_id}/candidates", responses=LOOKUP_ERRORS,
            summary="地等项目：符合地块准入标准的候选项目（含理由）")
def api_candidates(request: Request, parcel_id: RowId, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return read(request, lambda s: {"parcel": parcels.parcel_json(parcels.get(s, parcel_id)),
                                    "candidates": parcels.candidates(s, principal, parcels.get(s, parcel_id), today())})


@router.get("/api/v1/projects/{project_id}", responses=LOOKUP_ERRORS, summary="项目详情（阶段、首谈历程、第三方机构奖励判断）")
def api_get(request: Request, project_id: RowId, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: detail(s, principal, library.get(s, principal, project_id)))


@router.patch("/api/v1/projects/{project_id}", responses=WRITE_ERRORS, summary="修改项目信息")
def api_patch(request: Request, project_id: RowId, body: ProjectPatch, principal: Principal = Depends(writer)) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=True)
    return work(request, lambda s: project_json(library.update(s, principal, project_id, data, now=now())))


@router.post("/api/v1/projects/{project_id}/stage", responses=WRITE_ERRORS, summary="推进项目阶段（谋划→储备→在谈→签约→开工→投产）")
def api_stage(request: Request, project_id: RowId, body: StageStep, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return work(request, lambda s: project_json(library.advance(s, principal, project_id, body.transition, now=now(),
                                                                reason=body.reason, version=body.version)))


def shoutan_step(s, principal, project_id: RowId, action: str, region: str | None, reason: str | None, version: int | None):
    at = now()
    if action == "register":
        return shoutan.register(s, principal, project_id, now=at, found_by=region)
    if action == "recognise":
        return shoutan.recognise(s, principal, project_id, region, now=at, version=version)
    if action == "push":
        return shoutan.push(s, principal, project_id, reason or "", now=at, version=version)
    if action == "assign":
        return shoutan.assign(s, principal, project_id, region or "", now=at, version=version)
    if action == "reassign":
        return shoutan.reassign(s, principal, project_id, region or "", reason or "", now=at, version=version)
    return shoutan.close(s, principal, project_id, reason or "", now=at, version=version)


@router.post("/api/v1/projects/{project_id}/shoutan", responses=WRITE_ERRORS,
             summary="首谈制：登记线索 / 认定首谈区 / 推送 / 择优确定 / 另行择优选择落地区 / 终止")
def api_shoutan(request: Request, project_id: RowId, body: ShoutanStep, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return work(request, lambda s: project_json(shoutan_step(s, principal, project_id, body.action, body.region,
                                                             body.reason, body.version)))


@router.post("/api/v1/projects/{project_id}/documents", responses=WRITE_ERRORS, summary="添加项目材料")
def api_document(request: Request, project_id: RowId, body: DocumentIn, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return work(request, lambda s: project_json(library.add_document(s, principal, project_id, body.title, body.ref,
                                                                     now=now())))


@router.get("/api/v1/projects/{project_id}/agency-reward", responses=LOOKUP_ERRORS,
            summary="第三方机构引进重大项目奖励：按项目记录判断（001 第十五条）")
def api_agency(request: Request, project_id: RowId, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: agency.to_json(library.get(s, principal, project_id), today()))


@router.get("/api/v1/projects/{project_id}/parcels", responses=LOOKUP_ERRORS, summary="地等项目：项目符合准入标准的地块（含理由；默认项目所在区）")
def api_project_parcels(request: Request, project_id: RowId, region: str | None = Query(None, max_length=32),
                        principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(s):
        project = library.get(s, principal, project_id)
        return {"parcels": parcels.for_project(s, project, today(), region=region or project.region_code)}

    return read(request, run)


def count(session, principal) -> int:
    query = select(func.count()).select_from(Project)
    scope = visible(principal)
    return session.scalar(query if scope is None else query.where(scope))
