"""The project library: register a project, change its figures, move its stage (declared workflow
``data/stage.workflow.yaml``: 谋划 → 储备 → 在谈 → 签约 → 开工 → 投产, each dated), read it.

Every change is audited in the transaction of the change; a refused change writes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.projects import values
from zhida.projects.roles import Person, is_city, may_see, roles_on
from zhida.projects.tables import Project
from zhida.workflow import Actor, NotAllowed

STAGE = workflow.load(Path(__file__).resolve().parent / "data" / "stage.workflow.yaml")
STAGES = {name: s.label for name, s in STAGE.states.items()}
FIELDS = ("name", "owner_uscc", "investor", "industry_code", "region_code", "total_investment",
          "new_paid_in_capital", "foreign_investment_usd", "annual_output", "annual_tax", "land_mu", "strategic",
          "officer_id", "agency_name", "agency_uscc", "agency_entity_type", "agency_full_service")
AGENCY_TYPES = {"enterprise": "企业", "social_organization": "社会组织", "institution": "事业单位"}



def local_date(instant: datetime) -> str:
    from zhida.workflow.calendar import BEIJING

    return instant.astimezone(BEIJING).date().isoformat()


def actor_of(person: Person, held: frozenset[str]) -> Actor:
    return Actor(person.username, held, person.user_id)


def _officer(session: Session, officer_id) -> int | None:
    if officer_id in (None, ""):
        return None
    from zhida.web.tables import User

    try:
        officer_id = int(officer_id)
    except (TypeError, ValueError):
        raise ZhidaError("officer_id", "项目管家应为工作人员账户编号") from None
    user = session.get(User, officer_id)
    if user is None or user.role != "staff" or not user.active:
        raise ZhidaError("officer_id", "项目管家应为在职的工作人员账户")
    return officer_id


def clean(session: Session, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The fields of ``data`` validated (all of them, or only those given when ``partial``)."""
    out: dict[str, Any] = {}
    given = (lambda k: k in data) if partial else (lambda k: True)
    if given("name"):
        out["name"] = values.text(data.get("name"), "name", required=True)
    if given("owner_uscc"):
        out["owner_uscc"] = values.uscc(data.get("owner_uscc"))
    if given("investor"):
        out["investor"] = values.text(data.get("investor"), "investor")
    if given("industry_code"):
        code = values.text(data.get("industry_code"), "industry_code", limit=5)
        if code and not (code[0].isalpha() and code[0].isupper() and code[1:].isdigit()):
            raise ZhidaError("industry_code", "行业代码应为 GB/T 4754 代码（如 C3911）")
        out["industry_code"] = code
    if given("region_code"):
        out["region_code"] = values.district(data.get("region_code"))
    for name in ("total_investment", "new_paid_in_capital", "foreign_investment_usd", "annual_output", "annual_tax"):
        if given(name):
            out[name] = values.money(data.get(name), name)
    if given("land_mu"):
        out["land_mu"] = values.area(data.get("land_mu"), "land_mu")
    for name in ("strategic", "agency_full_service"):
        if given(name):
            out[name] = values.boolean(data.get(name), name)
    if given("officer_id"):
        out["officer_id"] = _officer(session, data.get("officer_id"))
    if given("agency_name"):
        out["agency_name"] = values.text(data.get("agency_name"), "agency_name")
    if given("agency_uscc"):
        out["agency_uscc"] = values.uscc(data.get("agency_uscc"), "agency_uscc")
    if given("agency_entity_type"):
        kind = values.text(data.get("agency_entity_type"), "agency_entity_type", limit=32)
        if kind and kind not in AGENCY_TYPES:
            raise ZhidaError("agency_entity_type", f"第三方机构类型应为{'、'.join(AGENCY_TYPES.values())}之一")
        out["agency_entity_type"] = kind
    if not partial and not out.get("owner_uscc") and not out.get("investor"):
        raise ZhidaError("owner_uscc", "请填写项目业主（统一社会信用代码）或意向投资方名称")
    return out


def create(session: Session, person: Person, data: dict[str, Any], *, now: datetime, code: str | None = None) -> Project:
    """A new project in the library (stage 谋划, or the stage given, each earlier stage dated now)."""
    if person.role not in ("admin", "staff"):
        raise NotAllowed("project", "只有工作人员可以登记项目")
    fields = clean(session, data)
    code = values.text(code or data.get("code"), "code", limit=64)
    from zhida.projects.roles import district_of

    district = district_of(person)
    if not is_city(person) and district != fields["region_code"]:
        raise NotAllowed("region_code", "区级工作人员只能登记本区的项目")
    project = Project(**fields, code=code or f"tmp-{uuid.uuid4().hex}", stage=STAGE.initial,
                      stage_dates={STAGE.initial: local_date(now)}, documents=[], created_at=now,
                      created_by=person.user_id, updated_at=now)
    if session.scalar(select(Project.id).where(Project.code == project.code)) is not None:
        raise ZhidaError("code", f"项目编号 {project.code} 已存在")
    session.add(project)
    session.flush()
    if not code:
        project.code = f"XM{project.id:07d}"  # 项目编号 given by the library
    actor = actor_of(person, roles_on(person, project) or frozenset({"city"}))
    case = workflow.start(session, STAGE, subject_type="project", subject_id=str(project.id), actor=actor, now=now,
                          unit=project.region_code)
    project.stage_case_id = case.id
    audit.record(session, actor=person.username, actor_id=person.user_id, action="project_create", entity="project",
                 entity_id=str(project.id), before=None, after=snapshot(project))
    from zhida.projects import coverage

    coverage.cover_project(session, project, now=now)
    return project


def snapshot(project: Project) -> dict[str, Any]:
    out = {k: getattr(project, k) for k in ("code", *FIELDS, "stage", "shoutan_state", "shoutan_region", "credited_region")}
    return {k: (str(v) if v is not None and not isinstance(v, (bool, int, str)) else v) for k, v in out.items()}


def get(session: Session, person: Person, project_id: int, *, for_update: bool = False) -> Project:
    project = session.get(Project, project_id, with_for_update=for_update) if project_id else None
    if project is None or not may_see(person, project):
        raise NotFoundOrHidden("project", f"项目 {project_id} 不存在或不在您的范围内")
    return project


def update(session: Session, person: Person, project_id: int, data: dict[str, Any], *, now: datetime) -> Project:
    project = get(session, person, project_id, for_update=True)
    if not roles_on(person, project):
        raise NotAllowed("project", "只有所在区、市产业主管部门或项目管家可以修改项目")
    fields = clean(session, {k: v for k, v in data.items() if k in FIELDS and k != "region_code"}, partial=True)
    before = snapshot(project)
    for key, value in fields.items():
        setattr(project, key, value)
    if not project.owner_uscc and not project.investor:
        raise ZhidaError("owner_uscc", "请填写项目业主（统一社会信用代码）或意向投资方名称")
    project.updated_at = now
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="project_update", entity="project",
                 entity_id=str(project.id), before=before, after=snapshot(project))
    if "owner_uscc" in fields or "officer_id" in fields:
        from zhida.projects import coverage

        coverage.cover_project(session, project, now=now)
    return project


def add_document(session: Session, person: Person, project_id: int, title: str, ref: str | None, *, now: datetime) -> Project:
    project = get(session, person, project_id, for_update=True)
    if not roles_on(person, project):
        raise NotAllowed("project", "只有所在区、市产业主管部门或项目管家可以添加材料")
    title = values.text(title, "title", required=True)
    ref = values.text(ref, "ref", limit=500)
    project.documents = [*(project.documents or []), {"title": title, "ref": ref, "at": local_date(now)}]
    project.updated_at = now
    audit.record(session, actor=person.username, actor_id=person.user_id, action="project_document", entity="project",
                 entity_id=str(project.id), before=None, after={"title": title, "ref": ref})
    return project


def stage_case(session: Session, project: Project):
    from zhida.workflow.tables import WorkflowCase

    return session.get(WorkflowCase, project.stage_case_id)


def advance(session: Session, person: Person, project_id: int, transition: str, *, now: datetime,
            reason: str | None = None, version: int | None = None) -> Project:
    """Take a stage step (signing also lands a 首谈 project that is being negotiated)."""
    project = get(session, person, project_id, for_update=True)
    case = stage_case(session, project)
    workflow.fire(session, STAGE, case, transition, actor=actor_of(person, roles_on(person, project)), now=now,
                  reason=reason, expected_version=version)
    project.stage = case.state
    project.stage_dates = {**(project.stage_dates or {}), case.state: local_date(now)}
    project.updated_at = now
    if transition == "sign" and project.shoutan_state == "negotiating":
        from zhida.projects import shoutan

        shoutan.land(session, person, project, now=now)
    return project


def available(session: Session, person: Person, project: Project) -> list:
    case = stage_case(session, project)
    return workflow.available(STAGE, case, actor_of(person, roles_on(person, project))) if case else []


def history(session: Session, project: Project) -> list[dict[str, Any]]:
    """Stage and 首谈 steps of the project, oldest first."""
    from zhida.projects.shoutan import SHOUTAN

    steps = []
    for flow, case_id in ((STAGE, project.stage_case_id), (SHOUTAN, project.shoutan_case_id)):
        if case_id is None:
            continue
        for step in workflow.history(session, case_id):
            steps.append({"workflow": flow.label, "transition": step.transition,
                          "label": flow.transitions[step.transition].label if step.transition else "登记",
                          "to": flow.label_of(step.to_state), "actor": step.actor, "at": step.at,
                          "reason": step.reason, "data": step.data or {}})
    return sorted(steps, key=lambda s: (s["at"], s["workflow"]))


def snapshot_value(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value
