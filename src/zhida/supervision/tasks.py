"""Tasks in the store: draft a document's tasks (idempotent: a clause's n-th task is drafted once),
let the office confirm or edit a draft (the draft as zhida made it stays beside the edit), list.

Every change is audited in the caller's transaction; the task's state moves through the declared
workflow ``data/task.workflow.yaml`` (confirm gives the case the task's deadline as its due time,
so the clock escalates a task past its deadline)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.dates import supported
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.supervision import collective, roles, settings
from zhida.supervision.draft import TaskDraft, draft_document
from zhida.supervision.source import from_store
from zhida.supervision.tables import SvTask, SvTaskUnit
from zhida.workflow.calendar import BEIJING
from zhida.workflow.tables import WorkflowCase

CYCLES = {"month": "每月", "quarter": "每季度"}
UNIT_MAX = 64



def deadline_instant(day: date | None) -> datetime | None:
    """The close of the deadline day, Beijing time (24:00)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING).astimezone(UTC)


def _units(session: Session, task: SvTask, units: list[collective.Assignment]) -> None:
    for row in session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task.id)):
        session.delete(row)
    session.flush()
    for position, a in enumerate(units):
        session.add(SvTaskUnit(task_id=task.id, unit=a.unit, role=a.role, position=position,
                               derived_from=a.derived_from, derived_start=a.start, derived_end=a.end))


def _edited(session: Session, task: SvTask, lead: list[str], support: list[str]) -> list[collective.Assignment]:
    """The reviewer's lists as assignments: a unit kept keeps its mark; a collective phrase typed
    in (各区政府) is fanned out again within the document's jurisdiction."""
    marks = {row.unit: row for row in session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task.id))}
    scope = (task.draft or {}).get("jurisdiction")
    fanned = []
    for role, names in (("lead", lead), ("support", support)):
        for name in names:
            found = collective.expand(name, scope)
            if found is not None:
                fanned.append(collective.Fanned(name, role, found[0], found[1], -1, -1))
    out = []
    for a in collective.assignments(lead, support, fanned):
        old = marks.get(a.unit)
        if a.derived_from is None and old is not None and old.derived_from:
            a = collective.Assignment(a.unit, a.role, old.derived_from, old.derived_start, old.derived_end)
        out.append(a)
    return out


def derived_groups(session: Session, task: SvTask) -> list[dict]:
    """The task's units fanned out of collective phrases, per phrase: {phrase, role, units, start,
    end, quote} — quote: the phrase as the original text has it at its offsets (None if unknown)."""
    rows = session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task.id, SvTaskUnit.derived_from.is_not(None))
                           .order_by(SvTaskUnit.position))
    groups: dict[str, dict] = {}
    for r in rows:
        group = groups.setdefault(r.derived_from, {"phrase": r.derived_from, "role": r.role, "units": [],
                                                   "start": r.derived_start, "end": r.derived_end, "quote": None})
        group["units"].append(r.unit)
        if r.derived_start is not None and r.derived_start >= task.start and r.derived_end <= task.end:
            group["quote"] = task.quote[r.derived_start - task.start:r.derived_end - task.start]
    return list(groups.values())


def units_of(session: Session, task_id: int) -> tuple[list[str], list[str]]:
    rows = session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task_id).order_by(SvTaskUnit.position))
    lead, support = [], []
    for row in rows:
        (lead if row.role == "lead" else support).append(row.unit)
    return lead, support


def store_drafts(session: Session, drafts: list[TaskDraft], *, title: str | None, doc_number: str | None,
                 actor: str, actor_id: int | None, now: datetime) -> list[SvTask]:
    """Save the drafts not saved yet; returns the new tasks."""
    existing = {(t.clause_id, t.idx) for t in session.scalars(
        select(SvTask).where(SvTask.document.in_({d.document for d in drafts})))} if drafts else set()
    created = []
    for draft in drafts:
        if (draft.clause_id, draft.index) in existing:
            continue
        data = draft.to_json()
        units = draft.assignments()
        case = workflow.start(session, settings.TASK_FLOW, subject_type="sv_task", subject_id="0",
                              actor=workflow.Actor(actor, frozenset({"system"}), actor_id), now=now,
                              unit=next((a.unit for a in units if a.role == "lead"), None))
        task = SvTask(document=draft.document, document_title=title, doc_number=doc_number, clause_id=draft.clause_id,
                      idx=draft.index, section=draft.section, section_title=draft.section_title, title=draft.title,
                      quote=draft.quote, start=draft.start, end=draft.end, lead_inferred=draft.lead_inferred,
                      deadline=draft.deadline, deadline_basis=draft.deadline_basis, deadline_text=draft.deadline_text,
                      targets=data["targets"], cycle=settings.load().cycle, draft=data, case_id=case.id,
                      created_at=now)
        session.add(task)
        session.flush()
        case.subject_id = str(task.id)
        _units(session, task, units)
        audit.record(session, actor=actor, actor_id=actor_id, action="sv_task_draft", entity="sv_task",
                     entity_id=str(task.id), before=None,
                     after={"document": task.document, "clause": task.clause_id, "lead": draft.lead,
                            "support": draft.support, "deadline": data["deadline"],
                            "derived": {f.phrase: len(f.units) for f in draft.derived}})
        created.append(task)
    session.flush()
    return created


def draft_stored(session: Session, key: str, *, actor: str, actor_id: int | None, now: datetime) -> list[SvTask]:
    """Draft the tasks of a stored document (its current version)."""
    doc = from_store(session, key)
    return store_drafts(session, draft_document(doc), title=doc.title, doc_number=doc.doc_number, actor=actor,
                        actor_id=actor_id, now=now)


def case_of(session: Session, task: SvTask) -> WorkflowCase:
    return session.get(WorkflowCase, task.case_id)


def load(session: Session, person: roles.Person, task_id: int) -> SvTask:
    task = session.get(SvTask, task_id)
    if task is None:
        raise NotFoundOrHidden("task", f"任务 {task_id} 不存在或不在您的范围内")
    lead, support = units_of(session, task.id)
    if not roles.may_see(person, set(lead) | set(support)):
        raise NotFoundOrHidden("task", f"任务 {task_id} 不存在或不在您的范围内")
    return task


def _names(values, where: str, label: str, required: bool) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.replace("，", "、").replace(",", "、").split("、")]
    out: list[str] = []
    for value in values or []:
        value = "".join(str(value).split())
        if not value:
            continue
        if len(value) > UNIT_MAX:
            raise ZhidaError(where, f"{label}名称不超过 {UNIT_MAX} 字")
        if value not in out:
            out.append(value)
    if required and not out:
        raise ZhidaError(where, f"请填写{label}")
    return out


def _targets(values) -> list[dict]:
    out = []
    for i, item in enumerate(values or []):
        if not isinstance(item, dict):
            raise ZhidaError("targets", "目标应为 {value, unit} 的列表")
        value = item.get("value")
        if value not in (None, ""):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise ZhidaError(f"targets[{i}].value", f"目标值“{value}”不是数字") from None
            if not value.is_finite() or value < 0:
                raise ZhidaError(f"targets[{i}].value", "目标值应为非负数")
            value = str(value)
        else:
            value = None
        unit = str(item.get("unit") or "").strip()[:64]
        if not unit:
            raise ZhidaError(f"targets[{i}].unit", "请填写目标的计量单位")
        out.append({"text": str(item.get("text") or f"{value or ''}{unit}")[:255], "value": value, "unit": unit,
                    "comparator": item.get("comparator") if item.get("comparator") in ("≥", "=", "≤") else "=",
                    "kind": str(item.get("kind") or "count")[:16], "start": item.get("start", -1),
                    "end": item.get("end", -1)})
    return out


def edit(session: Session, person: roles.Person, task_id: int, *, now: datetime, title: str | None = None,
         lead: list[str] | str | None = None, support: list[str] | str | None = None,
         deadline: date | str | None | bool = False, targets: list[dict] | None = None,
         cycle: str | None = None) -> SvTask:
    """The office edits a task (a draft or an active one). ``deadline=False``: unchanged; None: none."""
    if not roles.is_office(person):
        raise workflow.NotAllowed("task", "只有督查室可以修改任务")
    task = load(session, person, task_id)
    case = case_of(session, task)
    if case.closed:
        raise workflow.NotAllowed("task", f"任务已{settings.TASK_FLOW.label_of(case.state)}，不能修改")
    old_lead, old_support = units_of(session, task.id)
    before = {"title": task.title, "lead": old_lead, "support": old_support,
              "deadline": task.deadline.isoformat() if task.deadline else None, "targets": task.targets,
              "cycle": task.cycle}
    # check everything first: a refused edit changes nothing
    new_title = task.title if title is None else (title.strip() or None)
    if new_title is None:
        raise ZhidaError("title", "请填写任务名称")
    if len(new_title) > 500:
        raise ZhidaError("title", "任务名称不超过 500 字")
    new_lead = old_lead if lead is None else _names(lead, "lead", "牵头单位", True)
    new_support = old_support if support is None else [u for u in _names(support, "support", "配合单位", False)
                                                       if u not in new_lead]
    if deadline is False:
        new_deadline, basis = task.deadline, task.deadline_basis
    elif deadline in (None, ""):
        new_deadline, basis = None, "none"
    else:
        try:
            new_deadline = deadline if isinstance(deadline, date) else date.fromisoformat(str(deadline))
        except ValueError:
            raise ZhidaError("deadline", f"期限“{deadline}”应为日期（如 2026-12-31）") from None
        supported(new_deadline, "deadline", "期限")  # 9999-12-31 overflowed its due time (500)
        basis = task.deadline_basis if new_deadline == task.deadline else "reviewer"
    new_targets = task.targets if targets is None else _targets(targets)
    new_cycle = cycle or task.cycle
    if new_cycle not in CYCLES:
        raise ZhidaError("cycle", f"报告周期应为：{'、'.join(CYCLES.values())}")
    task.title, task.deadline, task.deadline_basis, task.targets, task.cycle = (
        new_title, new_deadline, basis, new_targets, new_cycle)
    if (new_lead, new_support) != (old_lead, old_support):
        units = _edited(session, task, new_lead, new_support)
        _units(session, task, units)
        task.lead_inferred = False
        case.unit = next(a.unit for a in units if a.role == "lead")
    if case.state == "active":
        case.due_at = deadline_instant(new_deadline)
        case.escalated_at = None if case.due_at is None or case.due_at > now else case.escalated_at
    after = {"title": new_title, "lead": new_lead, "support": new_support,
             "deadline": new_deadline.isoformat() if new_deadline else None, "targets": new_targets, "cycle": new_cycle}
    audit.record(session, actor=person.username, actor_id=person.user_id, action="sv_task_edit", entity="sv_task",
                 entity_id=str(task.id), before=before, after=after)
    session.flush()
    return task


def confirm(session: Session, person: roles.Person, task_id: int, *, now: datetime,
            version: int | None = None) -> SvTask:
    """The office confirms a draft: it becomes active, due at its deadline."""
    task = load(session, person, task_id)
    roles_held = frozenset({"reviewer"}) if roles.is_office(person) else frozenset()
    workflow.fire(session, settings.TASK_FLOW, case_of(session, task), "confirm",
                  actor=workflow.Actor(person.username, roles_held, person.user_id), now=now,
                  deadline=deadline_instant(task.deadline), expected_version=version)
    return task


def drop(session: Session, person: roles.Person, task_id: int, *, now: datetime, reason: str | None,
         version: int | None = None) -> SvTask:
    task = load(session, person, task_id)
    roles_held = frozenset({"reviewer"}) if roles.is_office(person) else frozenset()
    workflow.fire(session, settings.TASK_FLOW, case_of(session, task), "drop",
                  actor=workflow.Actor(person.username, roles_held, person.user_id), now=now, reason=reason,
                  expected_version=version)
    return task


def visible_ids(session: Session, person: roles.Person):
    """A WHERE clause on SvTask for the tasks ``person`` may see (None: all)."""
    if roles.is_office(person):
        return None
    units = list(roles.own_units(person)) or ["—"]
    return SvTask.id.in_(select(SvTaskUnit.task_id).where(SvTaskUnit.unit.in_(units)))
