"""Pages of the service desk: /desk (enterprises submit and follow; officers' queue; 12345 import),
/desk/requests/{id} (the chain, one form per allowed step), /desk/packages (服务包, the officer's
enterprise page with visits, needs and 一企一策), /desk/figures (unit leaders: 三率, ranking, trend)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from zhida.desk import figures, hotline, needs, offices, packages, requests, visits
from zhida.desk.roles import visible
from zhida.desk.suggest import suggest
from zhida.desk.tables import DeskRequest
from zhida.web.deps import Principal, require
from zhida.web.desk import views
from zhida.web.desk.api import request_json
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.pages.common import render
from zhida.workflow.tables import WorkflowCase

router = APIRouter(include_in_schema=False)
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]
INDEX = Annotated[int, Path(ge=0, le=999)]
QUEUES = {"": "全部", "submitted": "待受理", "accepted": "待派单", "dispatched": "待签收", "handling": "办理中",
          "objected": "派单异议", "answered": "待评价", "closed": "已办结"}


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/desk")
def desk_home(request: Request, state: str = Query("", max_length=32), line: str = Query("", max_length=16),
              overdue: bool = False, page: int = Query(1, ge=1, le=100_000),
              principal: Principal = Depends(require("desk", "read"))):
    per_page = 20

    def run(session):
        query = select(DeskRequest, WorkflowCase).join(WorkflowCase, WorkflowCase.id == DeskRequest.case_id)
        scope = visible(principal)
        if scope is not None:
            query = query.where(scope)
        if state in QUEUES and state:
            query = query.where(WorkflowCase.state == state)
        if line == "enterprise":
            query = query.where(DeskRequest.line == "enterprise")
        if overdue:
            query = query.where(WorkflowCase.closed.is_(False), WorkflowCase.escalated_at.is_not(None))
        rows = session.execute(query.order_by(DeskRequest.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)).all()
        return [request_json(session, r, c) for r, c in rows]

    items = read(request, run)
    return render(request, "desk/home.html", {
        "title": "接诉即办", "items": items[:20], "more": len(items) > 20, "page": page,
        "queues": QUEUES, "filters": {"state": state, "line": line, "overdue": overdue},
        "kinds": requests.KINDS, "types": offices.load().types, "import_report": None,
    }, active="desk")


@router.post("/desk/requests")
def submit_page(request: Request, text: str = Form(..., max_length=4000), title: str = Form("", max_length=255),
                kind: str = Form("consult", max_length=16), source: str = Form("", max_length=16),
                uscc: str = Form("", max_length=18), requester: str = Form("", max_length=255),
                contact: str = Form("", max_length=64), principal: Principal = Depends(require("desk", "submit"))):
    proposal = suggest(request.app.state.store, text)
    made = work(request, lambda s: requests.submit(
        s, principal, text=text, title=title or None, kind=kind, source=source or None, uscc=uscc or None,
        requester=requester or None, contact=contact or None, now=clock(), suggestion=proposal))
    return _back(f"/desk/requests/{made.id}")


@router.post("/desk/import")
async def import_page(request: Request, file: UploadFile = File(...),
                      principal: Principal = Depends(require("desk", "import"))):
    content = await file.read(5 * 1024 * 1024 + 1)
    name = file.filename or ""

    def run(session):
        return hotline.import_tickets(session, principal, hotline.read(content, name), now=clock())

    report = work(request, run)
    return render(request, "desk/import.html", {"title": "12345 工单导入结果", "report": report.to_json()}, active="desk")


@router.get("/desk/requests/{request_id}")
def request_page(request: Request, request_id: ID, principal: Principal = Depends(require("desk", "read"))):
    def run(session):
        loaded = requests.load(session, principal, request_id)
        return request_json(session, loaded.request, loaded.case, principal, detail=True)

    item = read(request, run)
    return render(request, "desk/request.html", {
        "title": f"诉求：{item['title']}", "r": item, "draft": _draft(request, item), "ratings": requests.RATINGS, "catalogue": offices.load(),
        "units": offices.load().units(),
    }, active="desk")


def _draft(request: Request, item: dict) -> str:
    """政策咨询: for the officer about to answer a question about policy, a draft assembled from the
    matching clauses (and the enterprise's checkup) by ``zhida.desk.consult`` — to edit, never sent as is."""
    if not {"answer", "answer_direct"} & {a["name"] for a in item["actions"]}:
        return ""
    from zhida.desk import consult
    from zhida.errors import ZhidaError

    try:
        draft = consult.answer(request.app.state.store, item["text"], uscc=item["uscc"], as_of=request.app.state.as_of)
    except ZhidaError:
        return ""
    if not draft.is_question or not draft.clauses:
        return ""
    return "\n".join(line for line in draft.text.splitlines() if not line.startswith("【答复草稿】")).strip()


@router.post("/desk/requests/{request_id}/act")
def act_page(request: Request, request_id: ID, transition: str = Form(..., max_length=32),
             version: int = Form(..., ge=1), reason: str = Form("", max_length=2000), unit: str = Form("", max_length=255),
             co_units: list[str] = Form([]), answer: str = Form("", max_length=4000), cite: list[int] = Form([]),
             rating: str = Form("", max_length=16), solved: str = Form("", max_length=8),
             main_id: int | None = Form(None, ge=1, le=2**31 - 1), principal: Principal = Depends(require("desk", "act"))):
    def run(session):
        if transition == "merge":
            from zhida.desk import merging

            if main_id is None:
                from zhida.errors import ZhidaError

                raise ZhidaError("main_id", "请填写主单编号")
            merging.merge(session, principal, request_id, main_id, now=clock(), version=version)
            return
        loaded = requests.load(session, principal, request_id)
        offered = (loaded.request.suggestion or {}).get("clauses") or []
        chosen = [offered[i] for i in cite if 0 <= i < len(offered)]
        requests.act(session, principal, request_id, transition, now=clock(), version=version, reason=reason or None,
                     unit=unit or None, co_units=[u for u in co_units if u], answer=answer or None, citations=chosen,
                     rating=rating or None, solved={"是": True, "否": False}.get(solved))

    work(request, run)
    return _back(f"/desk/requests/{request_id}")


@router.post("/desk/requests/{request_id}/opinion")
def opinion_page(request: Request, request_id: ID, opinion: str = Form(..., max_length=4000),
                 principal: Principal = Depends(require("desk", "act"))):
    work(request, lambda s: requests.give_opinion(s, principal, request_id, opinion, clock()))
    return _back(f"/desk/requests/{request_id}")


@router.get("/desk/packages")
def packages_page(request: Request, principal: Principal = Depends(require("packages", "read"))):
    return render(request, "desk/packages.html", {"title": "服务包",
                                                  "packages": read(request, lambda s: views.package_list(s, principal)),
                                                  "levels": packages.LEVELS}, active="packages")


@router.post("/desk/packages")
def create_package_page(request: Request, name: str = Form(..., max_length=255), level: str = Form(..., max_length=16),
                        region: str = Form("", max_length=32), principal: Principal = Depends(require("packages", "write"))):
    made = work(request, lambda s: packages.create(s, principal, name=name, level=level, region=region or None, now=clock()))
    return _back(f"/desk/packages/{made.id}")


@router.get("/desk/packages/{package_id}")
def package_page(request: Request, package_id: ID, principal: Principal = Depends(require("packages", "read"))):
    found = read(request, lambda s: views.package(s, principal, package_id, request.app.state.as_of))
    return render(request, "desk/package.html", {"title": f"服务包：{found['name']}", "p": found}, active="packages")


@router.post("/desk/packages/{package_id}/members")
def members_page(request: Request, package_id: ID, usccs: str = Form(..., max_length=200_000),
                 principal: Principal = Depends(require("packages", "write"))):
    codes = [c for c in usccs.replace("，", ",").replace("\n", ",").split(",") if c.strip()]
    work(request, lambda s: packages.add_members(s, principal, package_id, codes, now=clock(),
                                                 officer_id=principal.user_id if principal.role == "staff" else None))
    return _back(f"/desk/packages/{package_id}")


@router.get("/desk/packages/{package_id}/enterprises/{uscc}")
def enterprise_page(request: Request, package_id: ID, uscc: str,
                    principal: Principal = Depends(require("packages", "read"))):
    found = read(request, lambda s: views.enterprise(request, s, principal, package_id, uscc))
    return render(request, "desk/enterprise.html", {
        "title": f"服务管家：{(found['profile'] or {}).get('name') or uscc}", "e": found, "categories": needs.CATEGORIES,
        "statuses": needs.STATUSES, "today": request.app.state.as_of.isoformat(),
        "official": principal.role in ("admin", "staff")}, active="packages")


def _enterprise_back(package_id: ID, uscc: str) -> RedirectResponse:
    return _back(f"/desk/packages/{package_id}/enterprises/{uscc}")


@router.post("/desk/packages/{package_id}/enterprises/{uscc}/visits")
def plan_visit_page(request: Request, package_id: ID, uscc: str, planned_on: date = Form(...),
                    purpose: str = Form("", max_length=1000), participants: str = Form("", max_length=500),
                    principal: Principal = Depends(require("visits", "write"))):
    def run(session):
        packages.serving(session, principal, package_id, uscc)
        return visits.plan(session, principal, uscc=uscc, planned_on=planned_on, package_id=package_id,
                           purpose=purpose, participants=participants, now=clock())

    work(request, run)
    return _enterprise_back(package_id, uscc)


@router.post("/desk/visits/{visit_id}/record")
def record_visit_page(request: Request, visit_id: ID, visited_on: date = Form(...),
                      findings: str = Form(..., max_length=20_000), participants: str = Form("", max_length=500),
                      principal: Principal = Depends(require("visits", "write"))):
    lines = [x for x in findings.splitlines() if x.strip()]
    visit = work(request, lambda s: visits.record(s, principal, visit_id, visited_on=visited_on, findings=lines,
                                                  participants=participants or None, now=clock()))
    return _enterprise_back(visit.package_id, visit.uscc)


@router.post("/desk/visits/{visit_id}/findings/{index}")
def finding_page(request: Request, visit_id: ID, index: INDEX, to: str = Form(..., max_length=8),
                 category: str = Form("other", max_length=16), unit: str = Form("", max_length=255),
                 principal: Principal = Depends(require("visits", "write"))):
    found = read(request, lambda s: visits.get(s, principal, visit_id))
    text = found.findings[index]["text"] if 0 <= index < len(found.findings) else ""
    proposal = suggest(request.app.state.store, text) if to == "request" and text else None

    def run(session):
        if to == "need":
            return visits.finding_to_need(session, principal, visit_id, index, category=category, unit=unit or None,
                                          now=clock())
        return visits.finding_to_request(session, principal, visit_id, index, now=clock(), suggestion=proposal)

    work(request, run)
    return _enterprise_back(found.package_id, found.uscc)


@router.post("/desk/packages/{package_id}/needs/{need_id}")
def need_page(request: Request, package_id: ID, need_id: ID, status: str = Form(..., max_length=16),
              version: int = Form(..., ge=1), note: str = Form("", max_length=1000), uscc: str = Form(..., max_length=18),
              principal: Principal = Depends(require("packages", "write"))):
    def run(session):
        packages.serving(session, principal, package_id, uscc)
        return needs.update(session, principal, need_id, package_id=package_id, status=status, note=note,
                            version=version, now=clock())

    work(request, run)
    return _enterprise_back(package_id, uscc)


@router.post("/desk/packages/{package_id}/enterprises/{uscc}/plan")
def plan_page(request: Request, package_id: ID, uscc: str, goals: str = Form(..., max_length=4000),
              actions: str = Form("", max_length=20_000), version: int | None = Form(None),
              principal: Principal = Depends(require("packages", "write"))):
    rows = []
    for line in actions.splitlines():  # 措施｜责任单位（、分隔）｜完成日期
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        if any(parts):
            rows.append({"action": parts[0], "units": (parts[1] if len(parts) > 1 else "").split("、"),
                         "due": parts[2] if len(parts) > 2 else ""})

    def run(session):
        packages.serving(session, principal, package_id, uscc)
        return visits.save_plan(session, principal, package_id=package_id, uscc=uscc, goals=goals, actions=rows,
                                version=version, now=clock())

    work(request, run)
    return _enterprise_back(package_id, uscc)


@router.get("/desk/figures")
def figures_page(request: Request, month: str = Query("", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$"),
                 principal: Principal = Depends(require("desk", "figures"))):
    from zhida.web.desk import reports

    month = month or clock().strftime("%Y-%m")
    found = reports.data(request, principal, month, fresh=False)
    return render(request, "desk/figures.html", {"title": "接诉即办三率", "f": found, "month": month,
                                                 "steps": [label for _, label in figures.STEPS]}, active="figures")


