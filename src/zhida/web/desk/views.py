"""What the package and enterprise pages show (and their API twins return), assembled once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from zhida.desk import needs, packages, requests, visits
from zhida.desk.tables import DeskRequest, Need, PackageMember, Plan, Visit
from zhida.web.domain import local
from zhida.web.tables import User
from zhida.workflow.tables import WorkflowCase


def _names(session, usccs: list[str]) -> dict[str, str]:
    from zhida.enterprises.tables import Enterprise

    if not usccs:
        return {}
    return dict(session.execute(select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc.in_(usccs))).all())


def package_list(session, person) -> list[dict[str, Any]]:
    """The packages ``person`` may see, with their member counts (not shown to enterprises)."""
    from sqlalchemy import func

    from zhida.desk.tables import ServicePackage

    query = select(ServicePackage, select(func.count()).where(PackageMember.package_id == ServicePackage.id)
                   .scalar_subquery())
    scope = packages.visible(person)
    if scope is not None:
        query = query.where(scope)
    return [{"id": p.id, "name": p.name, "level": p.level, "level_label": packages.LEVELS[p.level], "region": p.region,
             "unit": p.unit, "members_from": p.members_from, "members": n if person.role != "enterprise" else None}
            for p, n in session.execute(query.order_by(ServicePackage.id))]


def package(session, person, package_id: int, today: date) -> dict[str, Any]:
    found = packages.get(session, person, package_id)
    query = select(PackageMember).where(PackageMember.package_id == package_id)
    if person.role == "enterprise":
        query = query.where(PackageMember.uscc == person.uscc)
    members = list(session.scalars(query.order_by(PackageMember.id).limit(500)))
    codes = [m.uscc for m in members]
    names = _names(session, codes)
    officers = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({m.officer_id for m in members if m.officer_id}))).all()) if members else {}
    open_needs: dict[str, int] = {}
    for need in session.scalars(select(Need).where(Need.uscc.in_(codes), Need.status.in_(needs.OPEN))):
        open_needs[need.uscc] = open_needs.get(need.uscc, 0) + 1
    open_requests: dict[str, int] = {}
    for uscc, in session.execute(select(DeskRequest.uscc).join(WorkflowCase, WorkflowCase.id == DeskRequest.case_id)
                                 .where(DeskRequest.uscc.in_(codes), WorkflowCase.closed.is_(False))):
        open_requests[uscc] = open_requests.get(uscc, 0) + 1
    upcoming = {}
    for visit in session.scalars(select(Visit).where(Visit.uscc.in_(codes), Visit.visited_on.is_(None),
                                                     Visit.planned_on >= today).order_by(Visit.planned_on.desc())):
        upcoming[visit.uscc] = visit.planned_on.isoformat()
    return {"id": found.id, "name": found.name, "level": found.level, "level_label": packages.LEVELS[found.level],
            "unit": found.unit, "members_from": found.members_from, "may_manage": packages.may_manage(person, found),
            "members": [{"uscc": m.uscc, "name": names.get(m.uscc) or m.uscc,
                         "officer": officers.get(m.officer_id), "officer_id": m.officer_id,
                         "open_needs": open_needs.get(m.uscc, 0), "open_requests": open_requests.get(m.uscc, 0),
                         "next_visit": upcoming.get(m.uscc)} for m in members]}


def enterprise(request, session, person, package_id: int, uscc: str, jsonable: bool = False) -> dict[str, Any]:
    """服务管家's page for one enterprise: profile, checkup summary, open needs, requests, visits, plan."""
    from zhida.web import enterprise_data

    member = packages.member(session, person, package_id, uscc)
    stored = enterprise_data.get(request.app.state.store, uscc)
    checkup = None
    if stored is not None and person.role != "enterprise":
        from zhida.matching import checkup as checkups

        try:
            result = checkups.run(stored, request.app.state.as_of, request.app.state.checkups)
            checkup = {"counts": result.counts}
        except Exception:  # noqa: BLE001 - the page stands without the checkup; it links to the full one
            checkup = None
    need_rows = needs.of_enterprise(session, uscc)
    req_rows = session.execute(select(DeskRequest, WorkflowCase.state).join(WorkflowCase, WorkflowCase.id == DeskRequest.case_id)
                               .where(DeskRequest.uscc == uscc).order_by(DeskRequest.id.desc()).limit(50)).all()
    visit_rows = visits.of_enterprise(session, uscc)
    plan = session.scalar(select(Plan).where(Plan.package_id == package_id, Plan.uscc == uscc))
    upcoming = visits.next_visit(session, uscc, request.app.state.as_of)
    out = {
        "package_id": package_id, "uscc": uscc, "officer_id": member.officer_id,
        "profile": None if stored is None else {"name": stored.name, "region": stored.region_name,
                                                "industry": stored.industry_name, "size": stored.size_label},
        "checkup": checkup,
        "needs": [{"id": n.id, "category": needs.CATEGORIES[n.category], "title": n.title, "unit": n.unit,
                   "status": n.status, "status_label": needs.STATUSES[n.status], "version": n.version,
                   "request_id": n.request_id,
                   "history": [{"at": local(e.at), "actor": e.actor, "status": needs.STATUSES[e.status],
                                "note": e.note} for e in needs.events(session, n.id)]} for n in need_rows],
        "requests": [{"id": r.id, "title": r.title, "unit": r.unit, "state": state,
                      "state_label": requests.FLOW.label_of(state)} for r, state in req_rows],
        "visits": [{"id": v.id, "planned_on": v.planned_on.isoformat(),
                    "visited_on": v.visited_on.isoformat() if v.visited_on else None, "participants": v.participants,
                    "purpose": v.purpose, "findings": v.findings} for v in visit_rows],
        "next_visit": upcoming.planned_on.isoformat() if upcoming else None,
        "plan": None if plan is None else {"goals": plan.goals, "actions": plan.actions, "version": plan.version},
        "applications": _applications(session, uscc),
    }
    return out


def _applications(session, uscc: str) -> list[dict[str, Any]] | None:
    """The enterprise's 政策兑现 applications (zhida.payouts), newest first; None without that package."""
    try:
        from zhida.payouts.applications.tables import Application
    except ImportError:
        return None
    from pathlib import Path

    from zhida import workflow
    import zhida.payouts.applications as applications

    flow = workflow.load(Path(applications.__file__).parent / "application.workflow.yaml")
    rows = session.execute(select(Application, WorkflowCase.state).join(WorkflowCase, WorkflowCase.id == Application.case_id)
                           .where(Application.uscc == uscc).order_by(Application.id.desc()).limit(50)).all()
    return [{"id": a.id, "measure": a.measure_title, "state": flow.label_of(state) if state in flow.states else state}
            for a, state in rows]
