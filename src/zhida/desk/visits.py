"""走访: planned (date, who, purpose) and recorded (visited on, findings); a finding becomes a
need or a request in one step, and the visit keeps the link. 一企一策 plans are here too: the
officer writes them after visiting."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from zhida import audit
from zhida.dates import supported
from zhida.desk.roles import Person
from zhida.desk.tables import Plan, Visit
from zhida.errors import NotFoundOrHidden, ZhidaError


def _staff(person: Person) -> None:
    if person.role not in ("admin", "staff"):
        raise ZhidaError("visit", "只有工作人员可以安排和记录走访")


def _day(value, where: str) -> date:
    if isinstance(value, date):
        return supported(value, where, "日期")
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise ZhidaError(where, "日期应为 YYYY-MM-DD") from None
    return supported(day, where, "日期")


def plan(session: Session, person: Person, *, uscc: str, planned_on, now: datetime, package_id: int | None = None,
         participants: str | None = None, purpose: str | None = None) -> Visit:
    _staff(person)
    visit = Visit(package_id=package_id, uscc=uscc, planned_on=_day(planned_on, "planned_on"),
                  officer_id=person.user_id, participants=(participants or "").strip()[:500] or None,
                  purpose=(purpose or "").strip()[:1000] or None, findings=[], created_at=now)
    session.add(visit)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_visit_plan", entity="desk_visit",
                 entity_id=str(visit.id), before=None,
                 after={"uscc": uscc, "planned_on": visit.planned_on.isoformat(), "package_id": package_id})
    return visit


def get(session: Session, person: Person, visit_id: int) -> Visit:
    """A visit its officer, the package's unit (or the 服务管家) and the administrator may reach."""
    from zhida.desk import packages

    visit = session.get(Visit, visit_id)
    if visit is not None and (person.role == "admin" or visit.officer_id == person.user_id):
        return visit
    if visit is not None and person.role == "staff" and visit.package_id is not None:
        try:
            packages.serving(session, person, visit.package_id, visit.uscc)
            return visit
        except ZhidaError:
            pass
    raise NotFoundOrHidden("visit", f"走访 {visit_id} 不存在或不在您的范围内")


def record(session: Session, person: Person, visit_id: int, *, visited_on, findings: list[str], now: datetime,
           participants: str | None = None) -> Visit:
    _staff(person)
    visit = get(session, person, visit_id)
    texts = [f.strip()[:2000] for f in findings or [] if f and f.strip()]
    if not texts:
        raise ZhidaError("findings", "请至少填写一条走访发现")
    before = {"visited_on": visit.visited_on.isoformat() if visit.visited_on else None, "findings": len(visit.findings)}
    visit.visited_on = _day(visited_on, "visited_on")
    if participants:
        visit.participants = participants.strip()[:500]
    visit.findings = [*visit.findings, *({"text": t, "need_id": None, "request_id": None} for t in texts)]
    flag_modified(visit, "findings")
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_visit_record",
                 entity="desk_visit", entity_id=str(visit.id), before=before,
                 after={"visited_on": visit.visited_on.isoformat(), "findings": texts})
    return visit


def finding_to_need(session: Session, person: Person, visit_id: int, index: int, *, category: str,
                    now: datetime, unit: str | None = None, title: str | None = None):
    from zhida.desk import needs

    visit, finding = _finding(session, person, visit_id, index)
    if finding.get("need_id"):
        raise ZhidaError("finding", "这条发现已登记为需求")
    need = needs.add(session, person, uscc=visit.uscc, category=category, title=title or finding["text"][:255],
                     detail=finding["text"], unit=unit, package_id=visit.package_id, visit_id=visit.id, now=now)
    _link(visit, index, need_id=need.id)
    return need


def finding_to_request(session: Session, person: Person, visit_id: int, index: int, *, now: datetime,
                       kind: str = "help", category: str | None = None, suggestion: dict | None = None):
    from zhida.desk import requests

    visit, finding = _finding(session, person, visit_id, index)
    if finding.get("request_id"):
        raise ZhidaError("finding", "这条发现已转为诉求")
    request = requests.submit(session, person, text=finding["text"], kind=kind, category=category, uscc=visit.uscc,
                              source="visit", now=now, visit_id=visit.id, enterprise_line=True,
                              need_id=finding.get("need_id"), suggestion=suggestion)
    _link(visit, index, request_id=request.id)
    if finding.get("need_id"):
        from zhida.desk.tables import Need

        need = session.get(Need, finding["need_id"])
        need.request_id = request.id
    return request


def _finding(session: Session, person: Person, visit_id: int, index: int) -> tuple[Visit, dict]:
    _staff(person)
    visit = get(session, person, visit_id)
    if not 0 <= index < len(visit.findings):
        raise ZhidaError("finding", f"走访 {visit_id} 没有第 {index + 1} 条发现")
    return visit, visit.findings[index]


def _link(visit: Visit, index: int, **ids) -> None:
    findings = [dict(f) for f in visit.findings]
    findings[index].update(ids)
    visit.findings = findings
    flag_modified(visit, "findings")


def of_enterprise(session: Session, uscc: str) -> list[Visit]:
    return list(session.scalars(select(Visit).where(Visit.uscc == uscc).order_by(Visit.planned_on.desc())))


def next_visit(session: Session, uscc: str, today: date) -> Visit | None:
    return session.scalar(select(Visit).where(Visit.uscc == uscc, Visit.visited_on.is_(None),
                                              Visit.planned_on >= today).order_by(Visit.planned_on))


def save_plan(session: Session, person: Person, *, package_id: int, uscc: str, goals: str, actions: list[dict],
              now: datetime, version: int | None = None) -> Plan:
    """一企一策: goals and actions (action, units, due date) — replaced as a whole, versioned."""
    _staff(person)
    goals = (goals or "").strip()
    if not goals:
        raise ZhidaError("goals", "请填写一企一策的目标")
    clean = []
    for i, a in enumerate(actions or [], 1):
        if not isinstance(a, dict):
            raise ZhidaError(f"actions[{i}]", "每项措施应含措施内容、责任单位与完成日期")
        text = str(a.get("action") or "").strip()
        if not text:
            raise ZhidaError(f"actions[{i}].action", "请填写措施内容")
        raw = a.get("units") or []
        units = [str(u).strip() for u in (raw if isinstance(raw, list) else [raw]) if str(u).strip()]
        if not units:
            raise ZhidaError(f"actions[{i}].units", "请填写责任单位")
        clean.append({"action": text[:500], "units": units, "due": _day(a.get("due"), f"actions[{i}].due").isoformat()})
    plan_row = session.scalar(select(Plan).where(Plan.package_id == package_id, Plan.uscc == uscc))
    before = None
    if plan_row is None:
        plan_row = Plan(package_id=package_id, uscc=uscc, goals=goals, actions=clean, version=1, updated_at=now)
        session.add(plan_row)
    else:
        if version is not None and version != plan_row.version:
            raise ZhidaError("version", "一企一策已被他人更新，请刷新后重试")
        before = {"goals": plan_row.goals, "actions": plan_row.actions, "version": plan_row.version}
        plan_row.goals, plan_row.actions, plan_row.version, plan_row.updated_at = goals, clean, plan_row.version + 1, now
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_plan_save", entity="desk_plan",
                 entity_id=str(plan_row.id), before=before,
                 after={"uscc": uscc, "goals": goals, "actions": clean, "version": plan_row.version})
    return plan_row
