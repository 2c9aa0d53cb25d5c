"""What the office and the units look at: the matrix (tasks × units across all documents), a
document's completion by section, per unit and district the on-time rate and lagging tasks, and
the 综合绩效评价 score (formula in docs/supervision.md)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.supervision import roles, settings, status, tasks
from zhida.supervision.reports import STATUSES
from zhida.supervision.tables import SvReport, SvTask, SvTaskUnit
from zhida.workflow.engine import _aware
from zhida.workflow.tables import WorkflowCase

WEIGHTS = {"on_time_completion": Decimal("0.4"), "on_time_reporting": Decimal("0.3"), "target_attainment": Decimal("0.3")}
OVERDUE_PENALTY = Decimal(5)
_DISTRICT = re.compile(r"^(.{2,4}?(?:区|县))(?!政府|委|局|办)|^(.{2,4}?(?:区|县))(?=政府)")


@dataclass
class Row:
    task: SvTask
    state: str
    state_label: str
    lead: list[str]
    support: list[str]
    status: status.Status
    progress_label: str | None
    report_overdue: bool
    attainment: Decimal | None  # mean over numeric targets of min(1, figure / target)


def attainment(task: SvTask) -> Decimal | None:
    figures = {f["target"]: Decimal(f["value"]) for f in task.figures or []}
    parts = []
    for i, target in enumerate(task.targets or []):
        if target.get("value") in (None, "") or i not in figures:
            continue
        goal = Decimal(target["value"])
        if goal > 0 and target.get("comparator") != "≤":
            parts.append(min(Decimal(1), figures[i] / goal))
    return sum(parts) / len(parts) if parts else None


def rows(session: Session, person: roles.Person, now: datetime, *, document: str | None = None,
         unit: str | None = None, include_drafts: bool = True) -> list[Row]:
    query = select(SvTask, WorkflowCase).join(WorkflowCase, WorkflowCase.id == SvTask.case_id)
    where = tasks.visible_ids(session, person)
    if where is not None:
        query = query.where(where)
    if document:
        query = query.where(SvTask.document == document)
    if unit:
        query = query.where(SvTask.id.in_(select(SvTaskUnit.task_id).where(SvTaskUnit.unit == unit)))
    if not include_drafts:
        query = query.where(WorkflowCase.state != "draft")
    found = session.execute(query.order_by(SvTask.document, SvTask.id)).all()
    ids = [t.id for t, _ in found]
    units: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    late: set[int] = set()
    if ids:
        for row in session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id.in_(ids)).order_by(SvTaskUnit.position)):
            units[row.task_id][0 if row.role == "lead" else 1].append(row.unit)
        late = set(session.scalars(
            select(SvReport.task_id).join(WorkflowCase, WorkflowCase.id == SvReport.case_id)
            .where(SvReport.task_id.in_(ids), WorkflowCase.state == "due", WorkflowCase.due_at <= now)))
    out = []
    for task, case in found:
        lead, support = units[task.id]
        overdue = task.id in late
        out.append(Row(task, case.state, settings.TASK_FLOW.label_of(case.state), lead, support,
                       status.of(state=case.state, deadline=task.deadline, progress=task.progress,
                                 report_overdue=overdue, now=now, completed_at=task.completed_at),
                       STATUSES.get(task.progress) if task.progress else None, overdue, attainment(task)))
    return out


@dataclass
class Matrix:
    units: list[str]
    rows: list[Row]

    def cell(self, row: Row, unit: str) -> str:
        return "牵头" if unit in row.lead else "配合" if unit in row.support else ""


def matrix(session: Session, person: roles.Person, now: datetime, **filters) -> Matrix:
    found = rows(session, person, now, **filters)
    counts: dict[str, int] = defaultdict(int)
    for row in found:
        for unit in row.lead + row.support:
            counts[unit] += 1 + (unit in row.lead)
    return Matrix(sorted(counts, key=lambda u: (-counts[u], u)), found)


@dataclass
class Section:
    section: str
    title: str
    total: int = 0
    done: int = 0
    overdue: int = 0
    lagging: int = 0

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.done) / self.total if self.total else None


def by_section(found: list[Row]) -> list[Section]:
    out: dict[str, Section] = {}
    for row in found:
        if row.state in ("draft", "dropped"):
            continue
        section = out.setdefault(row.task.section, Section(row.task.section, row.task.section_title))
        section.total += 1
        section.done += row.state == "done"
        section.overdue += row.status.colour == "red"
        section.lagging += row.status.colour == "yellow"
    return list(out.values())


def district(unit: str) -> str:
    match = _DISTRICT.match(unit)
    if match:
        return match.group(1) or match.group(2)
    return "区级" if unit.startswith("区") else "市级"


@dataclass
class UnitFigures:
    unit: str
    district: str
    led: int = 0
    supporting: int = 0
    done: int = 0
    done_on_time: int = 0
    due_passed: int = 0  # tasks led whose deadline passed or that are done (the on-time completion base)
    overdue: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    lagging: list[Row] = field(default_factory=list)
    attainments: list[Decimal] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> Decimal | None:
        return Decimal(part) / whole if whole else None

    @property
    def completion_rate(self) -> Decimal | None:
        return self.rate(self.done_on_time, self.due_passed)

    @property
    def reporting_rate(self) -> Decimal | None:
        return self.rate(self.reports_on_time, self.reports_due)

    @property
    def attainment(self) -> Decimal | None:
        return sum(self.attainments) / len(self.attainments) if self.attainments else None

    @property
    def score(self) -> Decimal | None:
        """综合绩效评价 score (docs/supervision.md): 100 × weighted rates over the components that
        are determined (weights renormalised), minus 5 per overdue task, floored at 0; None when no
        component is determined yet."""
        parts = {"on_time_completion": self.completion_rate, "on_time_reporting": self.reporting_rate,
                 "target_attainment": self.attainment}
        known = {k: v for k, v in parts.items() if v is not None}
        if not known:
            return None
        weight = sum(WEIGHTS[k] for k in known)
        value = Decimal(100) * sum(WEIGHTS[k] * v for k, v in known.items()) / weight
        return max(Decimal(0), value - OVERDUE_PENALTY * self.overdue).quantize(Decimal("0.1"))


def by_unit(session: Session, person: roles.Person, now: datetime, *, document: str | None = None) -> list[UnitFigures]:
    found = rows(session, person, now, document=document, include_drafts=False)
    figures: dict[str, UnitFigures] = {}
    own = None if roles.is_office(person) else roles.own_units(person)
    today = now
    for row in found:
        if row.state == "dropped":
            continue
        for unit in row.lead + row.support:
            if own is not None and unit not in own:
                continue
            f = figures.setdefault(unit, UnitFigures(unit, district(unit)))
            if unit in row.support:
                f.supporting += 1
                continue
            f.led += 1
            deadline_at = tasks.deadline_instant(row.task.deadline)
            if row.state == "done":
                f.done += 1
                f.due_passed += 1
                f.done_on_time += deadline_at is None or _aware(row.task.completed_at) <= deadline_at
            elif deadline_at is not None and deadline_at <= today:
                f.due_passed += 1
                f.overdue += 1
            if row.status.colour in ("red", "yellow"):
                f.lagging.append(row)
            if row.attainment is not None:
                f.attainments.append(row.attainment)
    ids = [r.task.id for r in found]
    if ids:
        reports = session.execute(select(SvReport, WorkflowCase).join(WorkflowCase, WorkflowCase.id == SvReport.case_id)
                                  .where(SvReport.task_id.in_(ids))).all()
        for report, case in reports:
            f = figures.get(report.unit)
            if f is None:
                continue
            if case.state == "submitted":
                f.reports_due += 1
                f.reports_on_time += bool(report.on_time)
            elif case.state == "due" and case.due_at is not None and _aware(case.due_at) <= now:
                f.reports_due += 1
    return sorted(figures.values(), key=lambda f: (f.district, -f.led, f.unit))


def by_district(units: list[UnitFigures]) -> list[UnitFigures]:
    out: dict[str, UnitFigures] = {}
    for f in units:
        d = out.setdefault(f.district, UnitFigures(f.district, f.district))
        for name in ("led", "supporting", "done", "done_on_time", "due_passed", "overdue", "reports_due",
                     "reports_on_time"):
            setattr(d, name, getattr(d, name) + getattr(f, name))
        d.lagging.extend(r for r in f.lagging if r not in d.lagging)
        d.attainments.extend(f.attainments)
    return sorted(out.values(), key=lambda f: f.unit)


def documents(session: Session, person: roles.Person) -> list[tuple[str, str | None, int]]:
    query = select(SvTask.document, SvTask.document_title, SvTask.id)
    where = tasks.visible_ids(session, person)
    if where is not None:
        query = query.where(where)
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for key, title, _ in session.execute(query):
        counts[(key, title)] += 1
    return [(k, t, n) for (k, t), n in sorted(counts.items())]
