"""The one workflow engine: start a case, take a transition, list what an actor may do, and let
the clock act (limits that fire a transition, overdue cases escalated for 督办).

Every call takes the caller's session, so the case, the mechanism's own rows and the audit
entry commit together or not at all, and every call takes ``now`` (an injected clock: tests
and the ``tick`` command pass the instant they mean).

Who may act is decided by the mechanism, which knows what a role means for its cases (the
applying enterprise, the staff of the owning unit …): it passes an ``Actor`` with the roles
that person holds *on this case*; the engine checks them against the declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from zhida import audit
from zhida.errors import ZhidaError
from zhida.workflow.calendar import add_working_days
from zhida.workflow.definition import NEEDS, SYSTEM_ROLE, Transition, Workflow
from zhida.workflow.tables import WorkflowCase, WorkflowStep


class NotAllowed(ZhidaError):
    """The transition does not leave the case's state, or the actor may not take it."""


class StaleCase(ZhidaError):
    """Someone else moved the case since the actor looked at it."""


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str]
    user_id: int | None = None

    @classmethod
    def system(cls, name: str = "system:clock") -> Actor:
        return cls(name, frozenset({SYSTEM_ROLE}))


# A mechanism whose own row copies its case's state (for fast queues) registers a hook here, by
# workflow name: it is called with the cases just started or moved, in the same transaction,
# whatever path moved them (the mechanism's service, the clock's tick, a bulk action).
Mirror = Callable[[Session, list[WorkflowCase]], None]
_MIRRORS: dict[str, Mirror] = {}


def mirror_subjects(workflow: Workflow | str, hook: Mirror) -> None:
    """Register ``hook(session, cases)`` to update the subjects' copies of their cases' state."""
    _MIRRORS[workflow if isinstance(workflow, str) else workflow.name] = hook


def _mirror(session: Session, workflow: Workflow, cases: list[WorkflowCase]) -> None:
    hook = _MIRRORS.get(workflow.name)
    if hook is not None and cases:
        hook(session, cases)


def _aware(instant: datetime | None) -> datetime | None:
    if instant is not None and instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant


def case_json(case: WorkflowCase, workflow: Workflow) -> dict[str, Any]:
    return {"id": case.id, "workflow": case.workflow, "subject": f"{case.subject_type}:{case.subject_id}",
            "state": case.state, "state_label": workflow.label_of(case.state), "version": case.version,
            "unit": case.unit, "due_at": _aware(case.due_at).isoformat() if case.due_at else None,
            "due_estimated": case.due_estimated, "closed": case.closed}


def _entered(workflow: Workflow, state: str, now: datetime, deadline: datetime | None) -> dict[str, Any]:
    """The case's columns once it enters ``state`` at ``now`` (its step's deadline: given, or the
    state's limit in working days)."""
    spec = workflow.states[state]
    values = {"state": state, "entered_at": now, "escalated_at": None, "closed": spec.final,
              "due_at": None, "due_estimated": False}
    if deadline is not None:
        values["due_at"] = deadline
    elif spec.limit is not None and not spec.final:
        due = add_working_days(now, spec.limit)
        values["due_at"], values["due_estimated"] = due.at, due.estimated
    return values


def _enter(case: WorkflowCase, workflow: Workflow, state: str, now: datetime, deadline: datetime | None) -> None:
    for name, value in _entered(workflow, state, now, deadline).items():
        setattr(case, name, value)


def start(session: Session, workflow: Workflow, *, subject_type: str, subject_id: str, actor: Actor,
          now: datetime, unit: str | None = None, data: dict[str, Any] | None = None) -> WorkflowCase:
    case = WorkflowCase(workflow=workflow.name, subject_type=subject_type, subject_id=str(subject_id),
                        version=1, unit=unit, created_at=now)
    _enter(case, workflow, workflow.initial, now, None)
    session.add(case)
    session.flush()
    session.add(WorkflowStep(case_id=case.id, transition="", from_state=None, to_state=case.state,
                             role=",".join(sorted(actor.roles)), actor=actor.name, actor_id=actor.user_id,
                             at=now, data=data))
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="workflow_start",
                 entity=subject_type, entity_id=str(subject_id), before=None,
                 after={"workflow": workflow.name, "case": case.id, "state": case.state})
    _mirror(session, workflow, [case])
    return case


def available(workflow: Workflow, case: WorkflowCase, actor: Actor) -> list[Transition]:
    if case.closed:
        return []
    return workflow.allowed(case.state, actor.roles)


def fire(session: Session, workflow: Workflow, case: WorkflowCase, transition: str, *, actor: Actor,
         now: datetime, reason: str | None = None, deadline: datetime | None = None,
         expected_version: int | None = None, unit: str | None = None,
         data: dict[str, Any] | None = None) -> WorkflowStep:
    """Take ``transition`` on ``case`` as ``actor``; raises NotAllowed or StaleCase and changes nothing then.

    ``expected_version`` is the version the actor saw (a form's hidden field); without it the
    version read in this transaction is used, which still refuses a concurrent change."""
    spec = workflow.transitions.get(transition)
    where = f"{case.subject_type} {case.subject_id}"
    if spec is None:
        raise NotAllowed(where, f"{workflow.label}没有“{transition}”这一步")
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(where, f"此事项已被他人处理（现为“{workflow.label_of(case.state)}”），请刷新后重试")
    if case.state not in spec.sources or case.closed:
        raise NotAllowed(where, f"当前为“{workflow.label_of(case.state)}”，不能{spec.label}")
    if not spec.roles & actor.roles:
        holders = "、".join(workflow.roles[r] for r in sorted(spec.roles))
        raise NotAllowed(where, f"只有{holders}可以{spec.label}")
    reason = (reason or "").strip() or None
    if "reason" in spec.needs and not reason:
        raise ZhidaError("reason", f"{spec.label}须填写{NEEDS['reason']}")
    if "deadline" in spec.needs and deadline is None:
        raise ZhidaError("deadline", f"{spec.label}须给出{NEEDS['deadline']}")
    seen = case.version if expected_version is None else expected_version
    before = {"state": case.state, "version": case.version, "unit": case.unit}
    # one UPDATE, only if nobody moved the case since ``seen`` (the version is the guard)
    values = {"version": seen + 1, "unit": unit if unit is not None else case.unit,
              **_entered(workflow, spec.target, now, _aware(deadline))}
    changed = session.execute(
        update(WorkflowCase).where(WorkflowCase.id == case.id, WorkflowCase.version == seen)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        session.refresh(case)
        raise StaleCase(where, f"此事项已被他人处理（现为“{workflow.label_of(case.state)}”），请刷新后重试")
    for name, value in values.items():
        set_committed_value(case, name, value)  # what the UPDATE wrote, without a second write
    step = WorkflowStep(case_id=case.id, transition=transition, from_state=before["state"], to_state=spec.target,
                        role=",".join(sorted(spec.roles & actor.roles)), actor=actor.name, actor_id=actor.user_id,
                        at=now, reason=reason, data=data)
    session.add(step)
    session.flush()
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action=f"workflow:{transition}",
                 entity=case.subject_type, entity_id=case.subject_id, before=before,
                 after={"state": case.state, "version": case.version, "unit": case.unit, "case": case.id,
                        "step": spec.label},
                 detail=reason)
    _mirror(session, workflow, [case])
    return step


# --- bulk: one statement per chunk and ONE audit entry listing the cases (a 免申即享 list of
# thousands confirmed at once); the same checks as ``start`` / ``fire``, all made before anything
# is written, and the same mirror hook.
CHUNK = 500


def _chunks(items: list, size: int = CHUNK):
    for at in range(0, len(items), size):
        yield items[at:at + size]


def start_many(session: Session, workflow: Workflow, *, subject_type: str, subject_ids: list[str], actor: Actor,
               now: datetime, unit: str | None = None, data: list[dict[str, Any] | None] | None = None,
               about: tuple[str, str] | None = None) -> list[WorkflowCase]:
    """A case per subject (in order), started as ``start`` does, audited once: ``about`` names
    the entity the entry is filed under (default: the subject type, "批量")."""
    if data is not None and len(data) != len(subject_ids):
        raise ValueError("data must have one entry per subject")
    if not subject_ids:
        return []
    entered = _entered(workflow, workflow.initial, now, None)
    rows = [{"workflow": workflow.name, "subject_type": subject_type, "subject_id": str(subject_id), "version": 1,
             "unit": unit, "created_at": now, **entered} for subject_id in subject_ids]
    cases: list[WorkflowCase] = []
    for chunk in _chunks(rows):
        made = insert(WorkflowCase).returning(WorkflowCase, sort_by_parameter_order=True)
        cases += session.scalars(made, chunk).all()
    role = ",".join(sorted(actor.roles))
    steps = [{"case_id": c.id, "transition": "", "from_state": None, "to_state": c.state, "role": role,
              "actor": actor.name, "actor_id": actor.user_id, "at": now, "reason": None,
              "data": data[i] if data is not None else None} for i, c in enumerate(cases)]
    for chunk in _chunks(steps):
        session.execute(insert(WorkflowStep), chunk)
    entity, entity_id = about or (subject_type, "批量")
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="workflow_start_many",
                 entity=entity, entity_id=entity_id, before=None,
                 after={"workflow": workflow.name, "state": entered["state"], "count": len(cases),
                        "cases": [[c.id, c.subject_id] for c in cases]})
    _mirror(session, workflow, cases)
    return cases


def fire_many(session: Session, workflow: Workflow, cases: list[WorkflowCase], transition: str, *, actor: Actor,
              now: datetime, reason: str | None = None, deadline: datetime | None = None,
              data: list[dict[str, Any] | None] | None = None, about: tuple[str, str] | None = None) -> int:
    """Take ``transition`` on every case as ``actor``, as ``fire`` would one by one: NotAllowed
    (a case not in a state it leaves, a role not allowed) or StaleCase (a case moved since it was
    read: the rows are locked and their versions compared) before anything is written; then one
    UPDATE per chunk, the steps, one audit entry listing the cases. Returns the count."""
    spec = workflow.transitions.get(transition)
    if spec is None:
        raise NotAllowed(workflow.name, f"{workflow.label}没有“{transition}”这一步")
    if data is not None and len(data) != len(cases):
        raise ValueError("data must have one entry per case")
    if not spec.roles & actor.roles:
        holders = "、".join(workflow.roles[r] for r in sorted(spec.roles))
        raise NotAllowed(workflow.name, f"只有{holders}可以{spec.label}")
    for case in cases:
        if case.state not in spec.sources or case.closed:
            raise NotAllowed(f"{case.subject_type} {case.subject_id}",
                             f"当前为“{workflow.label_of(case.state)}”，不能{spec.label}")
    reason = (reason or "").strip() or None
    if "reason" in spec.needs and not reason:
        raise ZhidaError("reason", f"{spec.label}须填写{NEEDS['reason']}")
    if "deadline" in spec.needs and deadline is None:
        raise ZhidaError("deadline", f"{spec.label}须给出{NEEDS['deadline']}")
    if not cases:
        return 0
    session.flush()
    seen = {c.id: c.version for c in cases}
    for chunk in _chunks(list(seen)):
        for case_id, version in session.execute(select(WorkflowCase.id, WorkflowCase.version)
                                                .where(WorkflowCase.id.in_(chunk)).with_for_update()):
            if version != seen[case_id]:
                case = next(c for c in cases if c.id == case_id)
                raise StaleCase(f"{case.subject_type} {case.subject_id}", "此事项已被他人处理，请刷新后重试")
    values = _entered(workflow, spec.target, now, _aware(deadline))
    for chunk in _chunks(list(seen)):
        session.execute(update(WorkflowCase).where(WorkflowCase.id.in_(chunk))
                        .values(version=WorkflowCase.version + 1, **values)
                        .execution_options(synchronize_session=False))
    role = ",".join(sorted(spec.roles & actor.roles))
    steps, listed = [], []
    for i, case in enumerate(cases):
        steps.append({"case_id": case.id, "transition": transition, "from_state": case.state, "to_state": spec.target,
                      "role": role, "actor": actor.name, "actor_id": actor.user_id, "at": now, "reason": reason,
                      "data": data[i] if data is not None else None})
        listed.append([case.id, case.subject_id, case.state])
        set_committed_value(case, "version", case.version + 1)  # what the UPDATE wrote, without a second write
        for name, value in values.items():
            set_committed_value(case, name, value)
    for chunk in _chunks(steps):
        session.execute(insert(WorkflowStep), chunk)
    entity, entity_id = about or (cases[0].subject_type, "批量")
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="workflow_fire_many", entity=entity,
                 entity_id=entity_id, before=None,
                 after={"workflow": workflow.name, "transition": transition, "step": spec.label, "to": spec.target,
                        "count": len(cases), "cases": listed},
                 detail=reason)
    _mirror(session, workflow, cases)
    return len(cases)


def history(session: Session, case_id: int) -> list[WorkflowStep]:
    return list(session.scalars(select(WorkflowStep).where(WorkflowStep.case_id == case_id)
                                .order_by(WorkflowStep.id)))


@dataclass(frozen=True)
class Tick:
    fired: list[tuple[WorkflowCase, WorkflowStep]]  # limits that ran out and moved the case on
    escalated: list[WorkflowCase]  # newly overdue cases handed to their supervisor (督办)


def overdue(session: Session, workflow: Workflow, now: datetime, unit: str | None = None) -> list[WorkflowCase]:
    query = select(WorkflowCase).where(WorkflowCase.workflow == workflow.name, WorkflowCase.closed.is_(False),
                                       WorkflowCase.due_at.is_not(None), WorkflowCase.due_at <= now)
    if unit is not None:
        query = query.where(WorkflowCase.unit == unit)
    return list(session.scalars(query.order_by(WorkflowCase.due_at)))


def tick(session: Session, workflow: Workflow, now: datetime) -> Tick:
    """Let the clock act on every case whose limit has run out: fire the state's ``on_due``
    transition, or mark the case escalated (once) when the state names a supervisor."""
    fired, escalated = [], []
    clock = Actor.system()
    for case in overdue(session, workflow, now):
        spec = workflow.states[case.state]
        if spec.on_due:
            fired.append((case, fire(session, workflow, case, spec.on_due, actor=clock, now=now)))
        elif spec.escalate_to and case.escalated_at is None:
            case.escalated_at = now
            audit.record(session, actor=clock.name, actor_id=None, action="workflow_escalate",
                         entity=case.subject_type, entity_id=case.subject_id, before=None,
                         after={"case": case.id, "state": case.state, "to": spec.escalate_to},
                         detail=f"“{spec.label}”超过{spec.limit}个工作日时限，转{workflow.roles[spec.escalate_to]}督办")
            escalated.append(case)
    session.flush()
    return Tick(fired, escalated)
