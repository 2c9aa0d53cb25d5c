"""首谈制 (001 第五条), declared in ``data/shoutan.workflow.yaml``:

    “对总投资1亿元以上(含)或具有全局性、战略性的项目,探索实施“首谈制”。…各区发现招商线索的项目,
    经市产业主管部门认定项目首谈区后,由该区负责洽谈;洽谈超过3个月仍无实质性进展的项目,由市产业主管部门统筹,
    另行择优选择落地区。各区在招商过程中如发现不符合本区产业定位或不具备承载条件的项目,应积极向市产业主管部门推送,
    经认定后视同该区项目谋划引进成果。”

- ``register``: a district (or the city) registers the lead; the threshold is a condition in the
  rule language over the project facts (总投资 ≥ 1亿元 OR 全局性、战略性), explained;
- ``recognise``: the city recognises the 首谈区 — negotiation starts, due in **3 calendar months**
  (``add_months``; not working days, so the deadline is set here and handed to the workflow);
- ``check``: the clock (``workflow.tick``) escalates every negotiation past its deadline to the
  city; the project is flagged and the city units are told;
- ``reassign``: the city picks another district (reason required), a fresh 3 months, history kept;
- ``push`` / ``assign``: a district that cannot host pushes the lead; once the city assigns it,
  it is credited to the pushing district (“视同该区项目谋划引进成果”, ``credited_region``);
- ``land``: signing is the 实质性进展 that ends the 首谈 life (``library.advance('sign')`` lands it).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.errors import ZhidaError
from zhida.projects import values
from zhida.projects.criteria import explain, project_policies
from zhida.projects.library import actor_of, get, local_date
from zhida.projects.roles import Person, city_units, district_of, is_city, roles_on
from zhida.projects.tables import Project
from zhida.workflow import Actor, NotAllowed
from zhida.workflow.calendar import BEIJING
from zhida.workflow.tables import WorkflowCase

SHOUTAN = workflow.load(Path(__file__).resolve().parent / "data" / "shoutan.workflow.yaml")
DOCUMENT = "001_17557c858a299f6c"
QUOTES = {
    "scope": "对总投资1亿元以上(含)或具有全局性、战略性的项目,探索实施“首谈制”",
    "recognise": "经市产业主管部门认定项目首谈区后,由该区负责洽谈",
    "deadline": "洽谈超过3个月仍无实质性进展的项目,由市产业主管部门统筹,另行择优选择落地区",
    "push": "各区在招商过程中如发现不符合本区产业定位或不具备承载条件的项目,应积极向市产业主管部门推送,经认定后视同该区项目谋划引进成果",
}
MONTHS = 3
CITY = "110000"  # a lead found by the city itself
SCOPE = [{"id": "scale_or_strategic", "label": "总投资1亿元以上(含)或具有全局性、战略性",
          "expr": "project_total_investment >= 100000000 OR project_strategic = TRUE"}]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day when it has fewer)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(start: datetime) -> date:
    return add_months(start.astimezone(BEIJING).date(), MONTHS)


def due_instant(day: date) -> datetime:
    """Negotiation may go on through the due day (Beijing); the flag is raised the next midnight."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BEIJING).astimezone(UTC)


def in_scope(project: Project, as_of: date):
    facts = {"project_total_investment": project.total_investment, "project_strategic": project.strategic}
    return explain(SCOPE, {k: v for k, v in facts.items() if v is not None}, project_policies(), as_of)


def case_of(session: Session, project: Project) -> WorkflowCase:
    case = session.get(WorkflowCase, project.shoutan_case_id) if project.shoutan_case_id else None
    if case is None:
        raise ZhidaError("shoutan", "该项目未登记为首谈项目")
    return case


def _mirror(project: Project, case: WorkflowCase, now: datetime) -> None:
    project.shoutan_state = case.state
    project.updated_at = now


def register(session: Session, person: Person, project_id: int, *, now: datetime, found_by: str | None = None) -> Project:
    project = get(session, person, project_id, for_update=True)
    if project.shoutan_case_id is not None:
        raise ZhidaError("shoutan", "该项目已登记首谈线索")
    scope = in_scope(project, now.astimezone(BEIJING).date())
    if scope.value is not True:
        why = scope.outcomes[0].reason
        raise ZhidaError("total_investment", f"不属于首谈制范围：{why}")
    district = district_of(person)
    if is_city(person):
        found = values.district(found_by, "found_by") if found_by else CITY
    elif district == project.region_code:
        found = district
    else:
        raise NotAllowed("shoutan", "只有项目所在区或市产业主管部门可以登记首谈线索")
    held = roles_on(person, project) | ({"district"} if found != CITY else set())
    case = workflow.start(session, SHOUTAN, subject_type="project", subject_id=str(project.id),
                          actor=actor_of(person, frozenset(held)), now=now, unit=found,
                          data={"found_by": found, "quote": QUOTES["scope"]})
    project.shoutan_case_id, project.found_by = case.id, found
    _mirror(project, case, now)
    audit.record(session, actor=person.username, actor_id=person.user_id, action="shoutan_register", entity="project",
                 entity_id=str(project.id), before=None, after={"found_by": found, "state": case.state})
    return project


def _negotiate(session: Session, person: Person, project: Project, transition: str, region: str, *,
               now: datetime, reason: str | None, version: int | None, credit: str | None) -> Project:
    case = case_of(session, project)
    region = values.district(region, "region_code")
    due = due_date(now)
    previous = project.region_code
    workflow.fire(session, SHOUTAN, case, transition, actor=actor_of(person, roles_on(person, project)), now=now,
                  reason=reason, deadline=due_instant(due), expected_version=version, unit=region,
                  data={"from_region": previous, "to_region": region, "due": due.isoformat(),
                        "quote": QUOTES["deadline" if transition == "reassign" else "recognise"]})
    project.region_code = project.shoutan_region = region
    project.shoutan_recognised_at, project.shoutan_due, project.shoutan_flagged_at = now, due, None
    if credit is not None:
        project.credited_region = credit
    elif transition != "assign":
        project.credited_region = None  # credited where it is negotiated / hosted
    _mirror(project, case, now)
    return project


def recognise(session: Session, person: Person, project_id: int, region: str | None = None, *, now: datetime,
              version: int | None = None) -> Project:
    """The city recognises the 首谈区 (by default the district that found the lead)."""
    project = get(session, person, project_id, for_update=True)
    region = region or (project.found_by if project.found_by != CITY else project.region_code)
    return _negotiate(session, person, project, "recognise", region, now=now, reason=None, version=version, credit=None)


def push(session: Session, person: Person, project_id: int, reason: str, *, now: datetime,
         version: int | None = None) -> Project:
    project = get(session, person, project_id, for_update=True)
    case = case_of(session, project)
    workflow.fire(session, SHOUTAN, case, "push", actor=actor_of(person, roles_on(person, project)), now=now,
                  reason=reason, expected_version=version, unit=CITY, data={"quote": QUOTES["push"]})
    _mirror(project, case, now)
    return project


def assign(session: Session, person: Person, project_id: int, region: str, *, now: datetime,
           version: int | None = None) -> Project:
    """The city picks the host of a pushed project; it counts for the district that pushed it."""
    project = get(session, person, project_id, for_update=True)
    return _negotiate(session, person, project, "assign", region, now=now, reason=None, version=version,
                      credit=project.found_by)


def reassign(session: Session, person: Person, project_id: int, region: str, reason: str, *, now: datetime,
             version: int | None = None) -> Project:
    project = get(session, person, project_id, for_update=True)
    if values.district(region) == project.region_code:
        raise ZhidaError("region_code", "另行选择的落地区应不同于当前首谈区")
    return _negotiate(session, person, project, "reassign", region, now=now, reason=reason, version=version,
                      credit=None)


def land(session: Session, person: Person, project: Project, *, now: datetime) -> Project:
    case = case_of(session, project)
    held = roles_on(person, project) or frozenset({"district"} if district_of(person) == project.region_code else ())
    workflow.fire(session, SHOUTAN, case, "land", actor=actor_of(person, held), now=now)
    project.landed_at = now.astimezone(BEIJING).date()
    _mirror(project, case, now)
    return project


def close(session: Session, person: Person, project_id: int, reason: str, *, now: datetime,
          version: int | None = None) -> Project:
    project = get(session, person, project_id, for_update=True)
    case = case_of(session, project)
    workflow.fire(session, SHOUTAN, case, "close", actor=actor_of(person, roles_on(person, project)), now=now,
                  reason=reason, expected_version=version)
    _mirror(project, case, now)
    return project


def check(session: Session, now: datetime) -> list[Project]:
    """The clock: negotiations past 3 calendar months are flagged (escalated to the city, once)
    and the city units told; returns the projects flagged now."""
    from zhida.notify import publish
    from zhida.notify.recipients import Recipient

    flagged = []
    for case in workflow.tick(session, SHOUTAN, now).escalated:
        project = session.get(Project, int(case.subject_id))
        if project is None:
            continue
        project.shoutan_flagged_at = now
        flagged.append(project)
        publish(session, event="project.shoutan_overdue", recipients=[Recipient.unit(u) for u in city_units()],
                title=f"首谈项目超过3个月无实质性进展：{project.name}",
                body=f"{project.name}（首谈区：{_label(project.region_code)}）自{local_date(project.shoutan_recognised_at)}"
                     f"开始洽谈，已于{project.shoutan_due.isoformat()}届满3个月仍未签约。{QUOTES['deadline']}。",
                link=f"/projects/{project.id}", dedupe_key=f"shoutan-overdue:{project.id}:{case.version}", at=now)
    return flagged


def overdue(session: Session, person: Person | None = None):
    query = select(Project).where(Project.shoutan_state == "negotiating", Project.shoutan_flagged_at.is_not(None))
    return list(session.scalars(query.order_by(Project.shoutan_due)))


def _label(code: str | None) -> str:
    from zhida.enterprises import regions

    return "市级" if code == CITY else regions.label(code)


def credited(session: Session) -> list[dict]:
    """首谈 projects per district: hosted, and credited (pushed projects count for the pushing district)."""
    credit = func.coalesce(Project.credited_region, Project.region_code)
    rows = session.execute(select(credit, Project.shoutan_state, func.count()).where(Project.shoutan_case_id.is_not(None))
                           .group_by(credit, Project.shoutan_state)).all()
    out: dict[str, dict] = {}
    for region, state, count in rows:
        row = out.setdefault(region, {"region_code": region, "region": _label(region), "total": 0})
        row[state] = row.get(state, 0) + count
        row["total"] += count
    return sorted(out.values(), key=lambda r: r["region_code"])


def history(session: Session, project: Project) -> list[dict]:
    if project.shoutan_case_id is None:
        return []
    return [{"label": SHOUTAN.transitions[s.transition].label if s.transition else "登记线索",
             "state": SHOUTAN.label_of(s.to_state), "actor": s.actor, "at": s.at, "reason": s.reason,
             "from_region": (s.data or {}).get("from_region"), "to_region": (s.data or {}).get("to_region"),
             "due": (s.data or {}).get("due")} for s in workflow.history(session, project.shoutan_case_id)]


def system_actor() -> Actor:
    return Actor.system("system:shoutan")
