"""Where an application (and its money) is, as the enterprise and the staff read it: the steps
taken (who, when, why), the step it is in, by when that step is due (working days on the official
calendar), whether it is overdue, and what comes next and who takes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from zhida.payouts.applications import roles
from zhida.payouts.applications.service import WORKFLOW, case_of, last_day
from zhida.payouts.applications.tables import Application
from zhida.workflow import available, history
from zhida.workflow.calendar import working_days_between

# The main road, as a row of milestones the page shows (a state off the road shows where it left).
ROAD = ("draft", "submitted", "reviewing", "approved", "publicity", "paying", "paid")
NEXT = {
    "draft": "企业填写、上传材料并提交",
    "submitted": "{unit}受理",
    "reviewing": "{unit}审核",
    "correcting": "企业按补正要求补充材料后重新提交",
    "approved": "{unit}启动公示",
    "publicity": "公示期满后转入拨付",
    "paying": "{payer}拨付资金到账",
    "paid": "资金已到账",
}
ROLE_ZH = WORKFLOW.roles


@dataclass
class Step:
    label: str
    state: str
    at: datetime
    who: str
    reason: str | None
    data: dict | None


@dataclass
class Progress:
    state: str
    state_label: str
    version: int
    closed: bool
    due_day: str | None  # YYYY-MM-DD (Beijing): the last working day of the current step
    due_estimated: bool
    overdue: bool
    escalated: bool
    days_in_step: int  # working days since the step began
    next_text: str | None
    road: list[dict] = field(default_factory=list)  # [{state, label, done, current}]
    steps: list[Step] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)  # [{name, label, needs}] the viewer may take


def _aware(instant: datetime | None) -> datetime | None:
    return instant.replace(tzinfo=UTC) if instant is not None and instant.tzinfo is None else instant


def now_at(application: Application, case, person) -> Progress:
    """The step the application is in and what ``person`` may take next, from the case alone (no
    history read: the answer to a transition)."""
    due = _aware(case.due_at)
    text = NEXT.get(case.state)
    actor = roles.actor_of(person, application)
    return Progress(
        state=case.state, state_label=WORKFLOW.label_of(case.state), version=case.version, closed=case.closed,
        due_day=last_day(due).isoformat() if due else None, due_estimated=case.due_estimated,
        overdue=False, escalated=case.escalated_at is not None, days_in_step=0,
        next_text=text.format(unit=application.unit, payer=application.payer_unit) if text else None,
        actions=[{"name": t.name, "label": t.label, "needs": list(t.needs)}
                 for t in available(WORKFLOW, case, actor) if "system" not in t.roles])


def of(session: Session, application: Application, person, now: datetime) -> Progress:
    case = case_of(session, application)
    steps = []
    for s in history(session, case.id):
        label = "创建申请" if not s.transition else WORKFLOW.transitions[s.transition].label
        who = "、".join(ROLE_ZH.get(r, r) for r in s.role.split(",") if r) if s.role else ""
        steps.append(Step(label, WORKFLOW.label_of(s.to_state), _aware(s.at), who, s.reason, s.data))
    visited = [s.state for s in steps]
    position = ROAD.index(case.state) if case.state in ROAD else None
    road = []
    for i, state in enumerate(ROAD):
        road.append({"state": state, "label": WORKFLOW.label_of(state), "current": state == case.state,
                     "done": (i < position) if position is not None else WORKFLOW.label_of(state) in visited})
    seen = now_at(application, case, person)
    due = _aware(case.due_at)
    seen.overdue = due is not None and due <= now
    seen.days_in_step = working_days_between(_aware(case.entered_at), now)
    seen.road, seen.steps = road, steps
    return seen
