"""REST API of the service desk: /api/v1/requests (诉求, 12345 import/export, figures),
/api/v1/service-packages (服务包, members, needs, 一企一策) and /api/v1/visits (走访)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from zhida.desk import figures, hotline, merging, needs, packages, requests, visits
from zhida.desk.roles import visible
from zhida.desk.suggest import suggest
from zhida.desk.tables import DeskConsult, DeskObjection, DeskRequest, ServicePackage
from zhida.web.deps import Principal, require
from zhida.web.domain import local, read, work
from zhida.web.domain import now as clock
from zhida.web.errors import CONDITIONAL_WRITE_ERRORS, LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS
from zhida.workflow.tables import WorkflowCase

router = APIRouter(tags=["接诉即办与服务包"])
reader, submitter, actor = require("desk", "read"), require("desk", "submit"), require("desk", "act")
leader, importer = require("desk", "figures"), require("desk", "import")
pkg_reader, pkg_writer = require("packages", "read"), require("packages", "write")
visit_writer = require("visits", "write")
MONTH = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月份 YYYY-MM")
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]
INDEX = Annotated[int, Path(ge=0, le=999, description="第几条发现（从 0 起）")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NewRequest(BaseModel):
    text: str = Field(min_length=1, max_length=4000, description="诉求内容")
    title: str | None = Field(None, max_length=255)
    kind: Literal["consult", "help", "complaint", "suggestion"] = "consult"
    category: str | None = Field(None, max_length=32, description="派单目录中的类型（不填按内容识别）")
    uscc: str | None = Field(None, max_length=18, description="工作人员登记时：诉求企业")
    requester: str | None = Field(None, max_length=255)
    contact: str | None = Field(None, max_length=64)
    source: Literal["phone", "visit", "hotline"] | None = Field(None, description="工作人员登记的来源")
    ticket_id: str | None = Field(None, max_length=64)


class Step(BaseModel):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="所见的版本（防止覆盖他人的处理）")
    reason: str | None = Field(None, max_length=2000)
    unit: str | None = Field(None, max_length=255, description="派单/改派：承办单位")
    co_units: list[str] = Field(default_factory=list, max_length=10, description="会商单位")
    answer: str | None = Field(None, max_length=4000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=20, description="引用条款 {document, clause_id, cite, quote}")
    rating: Literal["satisfied", "basic", "unsatisfied"] | None = None
    solved: bool | None = None


class Opinion(BaseModel):
    opinion: str = Field(min_length=1, max_length=4000)


class Merge(BaseModel):
    main_id: int = Field(ge=1, le=2**31 - 1)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class Tickets(BaseModel):
    tickets: list[dict[str, Any]] = Field(max_length=hotline.MAX_ROWS, description="12345 工单（列名同 CSV）")


def _scoped(person: Principal, query):
    scope = visible(person)
    return query if scope is None else query.where(scope)


def request_json(session, request: DeskRequest, case: WorkflowCase, person: Principal | None = None,
                 detail: bool = False) -> dict[str, Any]:
    out = {"id": request.id, "ticket_id": request.ticket_id, "title": request.title, "source": request.source,
           "source_label": requests.SOURCES[request.source], "kind": request.kind, "category": request.category,
           "line": request.line, "uscc": request.uscc, "requester": request.requester,
           "receiving_unit": request.receiving_unit, "unit": request.unit, "co_units": request.co_units or [],
           "state": case.state, "state_label": requests.FLOW.label_of(case.state), "version": case.version,
           "due_at": case.due_at.isoformat() if case.due_at else None, "escalated": case.escalated_at is not None,
           "received_at": request.received_at.isoformat(), "received_local": local(request.received_at),
           "merged_into": request.merged_into,
           "rating": request.rating, "solved": request.solved, "reopened": request.reopened}
    if detail:
        loaded = requests.Loaded(request, case, requests.roles_on(person, request)) if person else None
        out.update(text=request.text, contact=request.contact, answer=request.answer,
                   citations=request.citations or [], suggestion=request.suggestion,
                   history=[{**h, "at": h["at"].isoformat(), "at_local": local(h["at"])}
                            for h in requests.history(session, request)],
                   consults=[{"unit": c.unit, "opinion": c.opinion} for c in session.scalars(
                       select(DeskConsult).where(DeskConsult.request_id == request.id))],
                   objections=[{"unit": o.unit, "reason": o.reason, "decision": o.decision, "new_unit": o.new_unit}
                               for o in session.scalars(select(DeskObjection).where(DeskObjection.request_id == request.id))],
                   actions=[{"name": t.name, "label": t.label, "needs": list(t.needs)}
                            for t in (requests.available(loaded, person) if loaded else [])])
    return out


@router.get("/api/v1/requests", responses=READ_ERRORS, summary="诉求列表（按角色范围：本企业 / 本单位 / 全部）")
def list_requests(request: Request, state: str | None = Query(None, max_length=32), month: str | None = MONTH,
                  line: Literal["enterprise", "general"] | None = None, overdue: bool = False,
                  page: int = Query(1, ge=1, le=100_000), per_page: int = Query(20, ge=1, le=100),
                  principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(session):
        query = _scoped(principal, select(DeskRequest, WorkflowCase).join(WorkflowCase, WorkflowCase.id == DeskRequest.case_id))
        if state:
            query = query.where(WorkflowCase.state == state)
        if month:
            query = query.where(DeskRequest.month == month)
        if line:
            query = query.where(DeskRequest.line == line)
        if overdue:
            query = query.where(WorkflowCase.closed.is_(False), WorkflowCase.escalated_at.is_not(None))
        rows = session.execute(query.order_by(DeskRequest.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
        return {"items": [request_json(session, r, c) for r, c in rows], "page": page, "per_page": per_page}

    return read(request, run)


@router.post("/api/v1/requests", status_code=201, responses=WRITE_ERRORS,
             summary="提交诉求（企业网上提交；工作人员登记电话、走访发现或 12345 工单）")
def create_request(request: Request, body: NewRequest, principal: Principal = Depends(submitter)) -> dict[str, Any]:
    proposal = suggest(request.app.state.store, body.text)

    def run(session):
        made = requests.submit(session, principal, now=clock(), suggestion=proposal, **body.model_dump())
        return request_json(session, made, session.get(WorkflowCase, made.case_id), principal, detail=True)

    return work(request, run)


@router.get("/api/v1/requests/figures", responses=READ_ERRORS,
            summary="接诉即办三率（按单位、月份；分级排名；工作人员只见本单位）")
def get_figures(request: Request, month: str | None = MONTH, by_category: bool = False,
                principal: Principal = Depends(leader)) -> dict[str, Any]:
    month = month or clock().strftime("%Y-%m")
    units = None if principal.role == "admin" else list(principal.units)

    def run(session):
        lines = figures.monthly(session, [month], units, by_category=by_category)
        return {"month": month, "lines": [x.to_json() for x in lines],
                "trend": [x.to_json() for x in figures.trend(session, units, figures.months_back(month, 12))],
                "policy": figures.policy_feedback(session, figures.months_back(month, 12), units)}

    return read(request, run)


@router.get("/api/v1/requests/figures.xlsx", response_class=Response, summary="导出三率（XLSX）",
            responses={**READ_ERRORS, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                                            "description": "三率 XLSX"}})
def figures_xlsx(request: Request, month: str | None = MONTH, principal: Principal = Depends(leader)):
    from zhida.web.desk import reports

    return reports.xlsx_response(request, principal, month or clock().strftime("%Y-%m"))


@router.get("/api/v1/requests/figures.pdf", response_class=Response, summary="导出三率（PDF，A4）",
            responses={**READ_ERRORS, 200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                                            "description": "三率 PDF"}})
def figures_pdf(request: Request, month: str | None = MONTH, principal: Principal = Depends(leader)):
    from zhida.web.desk import reports

    return reports.pdf_response(request, principal, month or clock().strftime("%Y-%m"))


@router.post("/api/v1/requests/import", responses=WRITE_ERRORS,
             summary="导入 12345 工单（有误行则整批不写入并返回拒收清单；按工单编号幂等）")
def import_tickets(request: Request, body: Tickets, principal: Principal = Depends(importer)) -> dict[str, Any]:
    rows = [{hotline.COLUMNS.get(k, k): (v.strip() if isinstance(v, str) else v) for k, v in r.items()}
            for r in body.tickets]
    report = work(request, lambda s: hotline.import_tickets(s, principal, rows, now=clock()))
    if not report.ok:
        from zhida.web.errors import Invalid

        first = report.rejects[0]
        raise Invalid(f"第 {first['row']} 行“{first['field']}”{first['reason']}（共 {len(report.rejects)} 处，未写入任何工单）",
                      field=first["field"])
    return report.to_json()


@router.get("/api/v1/requests/export", response_class=Response, summary="导出 12345 工单办理结果（CSV 或 JSON）",
            responses={**READ_ERRORS, 200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                                            "description": "办理结果"}})
def export_results(request: Request, month: str | None = MONTH, format: Literal["csv", "json"] = "csv",
                   principal: Principal = Depends(importer)):
    rows = read(request, lambda s: hotline.results(s, principal, month=month))
    if format == "json":
        return Response(hotline.results_json(rows), media_type="application/json")
    return Response(hotline.results_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=12345-results.csv"})


@router.get("/api/v1/requests/{request_id}", responses=LOOKUP_ERRORS, summary="一件诉求（办理过程、可进行的操作）")
def get_request(request: Request, request_id: ID, principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(session):
        loaded = requests.load(session, principal, request_id)
        return request_json(session, loaded.request, loaded.case, principal, detail=True)

    return read(request, run)


@router.post("/api/v1/requests/{request_id}/actions/{transition}", responses=CONDITIONAL_WRITE_ERRORS,
             summary="办理一步：accept 受理、dispatch 派单、sign 签收、object 异议、keep/redispatch 裁定、answer 反馈、"
                     "rate_ok/rate_bad 评价 …（带所见版本）")
def act(request: Request, request_id: ID, transition: str, body: Step, principal: Principal = Depends(actor)) -> dict[str, Any]:
    def run(session):
        made = requests.act(session, principal, request_id, transition, now=clock(), **body.model_dump())
        return request_json(session, made, session.get(WorkflowCase, made.case_id), principal, detail=True)

    return work(request, run)


@router.post("/api/v1/requests/{request_id}/opinions", responses=WRITE_ERRORS, summary="会商意见（会商单位）")
def opinion(request: Request, request_id: ID, body: Opinion, principal: Principal = Depends(actor)) -> dict[str, Any]:
    return work(request, lambda s: {"unit": requests.give_opinion(s, principal, request_id, body.opinion, clock()).unit})


@router.post("/api/v1/requests/{request_id}/merge", responses=CONDITIONAL_WRITE_ERRORS, summary="重复诉求并单")
def merge(request: Request, request_id: ID, body: Merge, principal: Principal = Depends(actor)) -> dict[str, Any]:
    return work(request, lambda s: {"id": merging.merge(s, principal, request_id, body.main_id, now=clock(),
                                                        version=body.version).id, "merged_into": body.main_id})


# ---- 服务包 -------------------------------------------------------------------------------------

class NewPackage(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    level: Literal["city", "district"]
    unit: str | None = Field(None, max_length=255)
    region: str | None = Field(None, max_length=32)


class Members(BaseModel):
    usccs: list[str] = Field(default_factory=list, max_length=10_000)
    officer_id: int | None = Field(None, ge=1, le=2**31 - 1)
    registry: dict[str, str] | None = Field(None, description="从企业名录加入：{region, industry}")


class NewNeed(BaseModel):
    uscc: str = Field(min_length=18, max_length=18)
    category: Literal["finance", "space", "talent", "approval", "market", "payout", "logistics", "other"]
    title: str = Field(min_length=1, max_length=255)
    detail: str | None = Field(None, max_length=4000)
    unit: str | None = Field(None, max_length=255)


class NeedChange(BaseModel):
    status: Literal["open", "working", "solved", "closed"] | None = None
    unit: str | None = Field(None, max_length=255)
    note: str | None = Field(None, max_length=1000)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class PlanBody(BaseModel):
    goals: str = Field(min_length=1, max_length=4000)
    actions: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


def package_json(package: ServicePackage, members: int | None = None) -> dict[str, Any]:
    return {"id": package.id, "name": package.name, "level": package.level, "level_label": packages.LEVELS[package.level],
            "region": package.region, "unit": package.unit, "members_from": package.members_from, "members": members}


@router.get("/api/v1/service-packages", responses=READ_ERRORS, summary="服务包列表（企业只见包含本企业的服务包）")
def list_packages(request: Request, principal: Principal = Depends(pkg_reader)) -> list[dict[str, Any]]:
    from zhida.web.desk import views

    return read(request, lambda s: views.package_list(s, principal))


@router.post("/api/v1/service-packages", status_code=201, responses=WRITE_ERRORS, summary="新建服务包")
def create_package(request: Request, body: NewPackage, principal: Principal = Depends(pkg_writer)) -> dict[str, Any]:
    return work(request, lambda s: package_json(packages.create(s, principal, now=clock(), **body.model_dump()), 0))


@router.get("/api/v1/service-packages/{package_id}", responses=LOOKUP_ERRORS, summary="一个服务包：企业、服务管家、待办需求")
def get_package(request: Request, package_id: ID, principal: Principal = Depends(pkg_reader)) -> dict[str, Any]:
    from zhida.web.desk import views

    return read(request, lambda s: views.package(s, principal, package_id, request.app.state.as_of))


@router.post("/api/v1/service-packages/{package_id}/members", responses=WRITE_ERRORS,
             summary="加入企业（逐一列出或从企业名录）并指定服务管家")
def add_members(request: Request, package_id: ID, body: Members, principal: Principal = Depends(pkg_writer)) -> dict[str, Any]:
    def run(session):
        if body.registry is not None:
            added = packages.from_registry(session, principal, package_id, now=clock(), officer_id=body.officer_id,
                                           region=body.registry.get("region"), industry=body.registry.get("industry"))
        else:
            added = packages.add_members(session, principal, package_id, body.usccs, now=clock(),
                                         officer_id=body.officer_id)
        return {"added": [m.uscc for m in added]}

    return work(request, run)


@router.get("/api/v1/service-packages/{package_id}/enterprises/{uscc}", responses=LOOKUP_ERRORS,
            summary="服务管家的企业页：画像、体检摘要、待办需求、诉求、走访、一企一策")
def package_enterprise(request: Request, package_id: ID, uscc: str, principal: Principal = Depends(pkg_reader)) -> dict[str, Any]:
    from zhida.web.desk import views

    return read(request, lambda s: views.enterprise(request, s, principal, package_id, uscc, jsonable=True))


@router.post("/api/v1/service-packages/{package_id}/needs", status_code=201, responses=WRITE_ERRORS, summary="登记服务需求")
def add_need(request: Request, package_id: ID, body: NewNeed, principal: Principal = Depends(pkg_writer)) -> dict[str, Any]:
    def run(session):
        packages.serving(session, principal, package_id, body.uscc)
        need = needs.add(session, principal, package_id=package_id, now=clock(), **body.model_dump())
        return {"id": need.id, "status": need.status, "version": need.version}

    return work(request, run)


@router.patch("/api/v1/service-packages/{package_id}/needs/{need_id}", responses=CONDITIONAL_WRITE_ERRORS,
              summary="更新需求状态或责任单位（动态更新，留痕）")
def change_need(request: Request, package_id: ID, need_id: ID, body: NeedChange,
                principal: Principal = Depends(pkg_writer)) -> dict[str, Any]:
    def run(session):
        from zhida.desk.tables import Need

        need = session.get(Need, need_id)
        packages.serving(session, principal, package_id, need.uscc if need else "—")
        need = needs.update(session, principal, need_id, package_id=package_id, now=clock(), **body.model_dump())
        return {"id": need.id, "status": need.status, "version": need.version}

    return work(request, run)


@router.put("/api/v1/service-packages/{package_id}/enterprises/{uscc}/plan", responses=CONDITIONAL_WRITE_ERRORS,
            summary="一企一策（目标、措施、责任单位、完成时间）")
def put_plan(request: Request, package_id: ID, uscc: str, body: PlanBody, principal: Principal = Depends(pkg_writer)) -> dict[str, Any]:
    def run(session):
        packages.serving(session, principal, package_id, uscc)
        plan = visits.save_plan(session, principal, package_id=package_id, uscc=uscc, now=clock(), **body.model_dump())
        return {"goals": plan.goals, "actions": plan.actions, "version": plan.version}

    return work(request, run)


# ---- 走访 ---------------------------------------------------------------------------------------

class NewVisit(BaseModel):
    uscc: str = Field(min_length=18, max_length=18)
    planned_on: date
    package_id: int | None = Field(None, ge=1, le=2**31 - 1)
    participants: str | None = Field(None, max_length=500)
    purpose: str | None = Field(None, max_length=1000)


class VisitRecord(BaseModel):
    visited_on: date
    findings: list[str] = Field(min_length=1, max_length=50)
    participants: str | None = Field(None, max_length=500)


class FindingTo(BaseModel):
    to: Literal["need", "request"]
    category: str | None = Field(None, max_length=32)
    unit: str | None = Field(None, max_length=255)
    kind: Literal["consult", "help", "complaint", "suggestion"] = "help"


def visit_json(visit) -> dict[str, Any]:
    return {"id": visit.id, "uscc": visit.uscc, "package_id": visit.package_id, "planned_on": visit.planned_on.isoformat(),
            "visited_on": visit.visited_on.isoformat() if visit.visited_on else None, "participants": visit.participants,
            "purpose": visit.purpose, "findings": visit.findings}


@router.get("/api/v1/visits", responses=READ_ERRORS, summary="走访（本人安排的；管理员全部）")
def list_visits(request: Request, uscc: str | None = Query(None, max_length=18),
                principal: Principal = Depends(require("visits", "read"))) -> list[dict[str, Any]]:
    from zhida.desk.tables import Visit

    def run(session):
        query = select(Visit)
        if principal.role != "admin":
            query = query.where(Visit.officer_id == principal.user_id)
        if uscc:
            query = query.where(Visit.uscc == uscc)
        return [visit_json(v) for v in session.scalars(query.order_by(Visit.planned_on.desc()).limit(200))]

    return read(request, run)


@router.post("/api/v1/visits", status_code=201, responses=WRITE_ERRORS, summary="安排走访")
def plan_visit(request: Request, body: NewVisit, principal: Principal = Depends(visit_writer)) -> dict[str, Any]:
    def run(session):
        if body.package_id is not None:
            packages.serving(session, principal, body.package_id, body.uscc)
        return visit_json(visits.plan(session, principal, now=clock(), **body.model_dump()))

    return work(request, run)


@router.post("/api/v1/visits/{visit_id}/record", responses=WRITE_ERRORS, summary="记录走访（日期、参加人员、发现的问题）")
def record_visit(request: Request, visit_id: ID, body: VisitRecord, principal: Principal = Depends(visit_writer)) -> dict[str, Any]:
    return work(request, lambda s: visit_json(visits.record(s, principal, visit_id, now=clock(), **body.model_dump())))


@router.post("/api/v1/visits/{visit_id}/findings/{index}", status_code=201, responses=WRITE_ERRORS,
             summary="一步把走访发现转为服务需求或诉求")
def finding(request: Request, visit_id: ID, index: INDEX, body: FindingTo,
            principal: Principal = Depends(visit_writer)) -> dict[str, Any]:
    text = ""
    if body.to == "request":
        found = read(request, lambda s: visits.get(s, principal, visit_id).findings)
        text = found[index]["text"] if 0 <= index < len(found) else ""
    proposal = suggest(request.app.state.store, text) if text else None
    return work(request, lambda s: _finding(s, principal, visit_id, index, body, proposal))


def _finding(session, principal, visit_id: int, index: int, body: FindingTo, proposal) -> dict[str, Any]:
    if body.to == "need":
        need = visits.finding_to_need(session, principal, visit_id, index, category=body.category or "other",
                                      unit=body.unit, now=clock())
        return {"need_id": need.id}
    made = visits.finding_to_request(session, principal, visit_id, index, now=clock(), kind=body.kind,
                                     category=body.category, suggestion=proposal)
    return {"request_id": made.id}
