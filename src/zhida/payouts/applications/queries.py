"""Applications as lists: the ones a person may see (the same rule as ``roles``, in SQL), a unit's
queue with time in step and overdue flags, per-measure figures, and the monthly 兑现 figures per
unit and district. One query each, indexed, so that a year of 100,000 applications stays quick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from zhida.enterprises import regions
from zhida.payouts.applications.service import WORKFLOW
from zhida.payouts.applications.tables import Application
from zhida.workflow.calendar import BEIJING, beijing_day, working_days_between
from zhida.workflow.tables import WorkflowCase

MONEY_STATES = ("approved", "publicity", "paying", "paid")  # an approved amount stands
DECIDED_NO = ("refused", "not_accepted")


def visible(query, person):
    """``query`` (over Application) narrowed to what ``person`` may see."""
    if person.role == "admin":
        return query
    if person.role == "enterprise":
        return query.where(Application.uscc == (person.uscc or "—"))
    units = list(person.units or ()) or ["—"]
    return _in_region(query.where(or_(Application.unit.in_(units), Application.payer_unit.in_(units))), person)


def _in_region(query, person):
    if person.region:
        code = regions.scope_code_or_none(person.region) or "—"
        query = query.where(func.coalesce(Application.district, Application.region_code) == code)
    return query


@dataclass
class Row:
    id: int
    uscc: str
    enterprise_name: str | None
    measure_id: str
    measure_title: str
    unit: str
    level: str
    district: str | None
    state: str
    state_label: str
    version: int
    entered_at: datetime
    due_at: datetime | None
    overdue: bool
    escalated: bool
    days_in_step: int
    rule_amount: Decimal | None
    approved_amount: Decimal | None
    created_at: datetime
    paid_at: datetime | None

    @property
    def due_day(self):
        """The last working day of the current step (Beijing)."""
        from zhida.payouts.applications.service import last_day

        return last_day(self.due_at)


def _aware(instant):
    return instant.replace(tzinfo=UTC) if instant is not None and instant.tzinfo is None else instant


def listing(session: Session, person, *, now: datetime, measure_id: str | None = None, state: str | None = None,
            overdue: bool = False, offset: int = 0, limit: int = 50) -> tuple[int, list[Row]]:
    """One page of what ``person`` sees, newest first, and how many there are. Filters read the
    application's own mirrored columns (indexed); the page's ids are found first and only those
    rows (and their cases) are loaded, so a page costs the same at 100 or 100,000 applications."""
    def narrowed(query):
        query = visible(query, person)
        if measure_id:
            query = query.where(Application.measure_id == measure_id)
        if state:
            query = query.where(Application.state == state)
        if overdue:
            query = query.where(Application.open_due_at.is_not(None), Application.open_due_at <= now)
        return query

    total = session.scalar(narrowed(select(func.count()).select_from(Application)))
    ids = list(session.scalars(narrowed(select(Application.id)).order_by(Application.id.desc())
                               .offset(offset).limit(limit)))
    return total, rows_of(session, ids, now)


QUEUE_COLUMNS = (Application.id, Application.uscc, Application.enterprise_name, Application.measure_id,
                 Application.measure_title, Application.unit, Application.level, Application.district,
                 WorkflowCase.state, WorkflowCase.version, WorkflowCase.entered_at, WorkflowCase.due_at,
                 WorkflowCase.closed, WorkflowCase.escalated_at, Application.rule_amount, Application.approved_amount,
                 Application.created_at, Application.paid_at)


def rows_of(session: Session, ids: list[int], now: datetime) -> list[Row]:
    """The queue rows of applications ``ids``, in that order (the columns a row shows, not whole
    objects: an export reads thousands)."""
    if not ids:
        return []
    found = {r[0]: r for r in session.execute(
        select(*QUEUE_COLUMNS).join(WorkflowCase, WorkflowCase.id == Application.case_id)
        .where(Application.id.in_(ids)))}
    return [_row(found[i], now) for i in ids if i in found]


def listing_ids(session: Session, person, *, now: datetime, measure_id: str | None = None, state: str | None = None,
                overdue: bool = False, limit: int = 50_000) -> list[int]:
    """Every id a listing with these filters would show (newest first; for exports, in chunks)."""
    query = visible(select(Application.id), person)
    if measure_id:
        query = query.where(Application.measure_id == measure_id)
    if state:
        query = query.where(Application.state == state)
    if overdue:
        query = query.where(Application.open_due_at.is_not(None), Application.open_due_at <= now)
    return list(session.scalars(query.order_by(Application.id.desc()).limit(limit)))


def _row(r, now: datetime) -> Row:
    (id_, uscc, name, measure_id, title, unit, level, district, state, version, entered_at, due_at, closed,
     escalated_at, rule_amount, approved_amount, created_at, paid_at) = r
    due, entered = _aware(due_at), _aware(entered_at)
    return Row(id_, uscc, name, measure_id, title, unit, level, district, state, WORKFLOW.label_of(state), version,
               entered, due, due is not None and not closed and due <= now, escalated_at is not None,
               _days(beijing_day(entered), beijing_day(now)), rule_amount, approved_amount, _aware(created_at),
               _aware(paid_at))


@lru_cache(maxsize=4096)
def _days(first: date, last: date) -> int:
    """Working days in step, by Beijing day (a queue's rows share their days: counted once each)."""
    return working_days_between(datetime.combine(first, time(12), BEIJING), datetime.combine(last, time(12), BEIJING))


@dataclass
class MeasureFigures:
    measure_id: str
    title: str
    total: int
    by_state: dict[str, int]
    overdue: int
    approved: Decimal  # approved amounts standing (审核通过 … 已兑现)
    paid: Decimal
    budgets: list[dict]


def by_measure(session: Session, person, now: datetime) -> list[MeasureFigures]:
    """Per measure: applications by status, overdue, approved and paid amounts (and the ledger's
    budgets when the ledger is installed). GROUP BY over the application rows' covering indexes;
    a unit's view is counted as two disjoint parts (its own applications, and those it only pays
    for), each read from its own index, instead of one OR that makes the database read every row."""
    late = and_(Application.open_due_at.is_not(None), Application.open_due_at <= now)
    columns = (Application.measure_id, Application.state, func.count(),
               func.sum(case((late, 1), else_=0)), func.sum(Application.approved_amount))

    def grouped(query):
        return query.group_by(Application.measure_id, Application.state)

    if person.role in ("admin", "enterprise"):
        parts = [grouped(visible(select(*columns), person))]
    else:
        units = list(person.units or ()) or ["—"]
        parts = [grouped(_in_region(select(*columns).where(Application.unit.in_(units)), person)),
                 grouped(_in_region(select(*columns).where(Application.payer_unit.in_(units),
                                                           Application.unit.not_in(units)), person))]
    out: dict[str, MeasureFigures] = {}
    for part in parts:
        for measure_id, state, count, overdue, amount in session.execute(part):
            f = out.setdefault(measure_id, MeasureFigures(measure_id, "", 0, {}, 0, Decimal(0), Decimal(0), []))
            f.total += count
            f.by_state[state] = f.by_state.get(state, 0) + count
            f.overdue += int(overdue or 0)
            if state in MONEY_STATES:
                f.approved += Decimal(amount or 0)
            if state == "paid":
                f.paid += Decimal(amount or 0)
    for f in out.values():  # the title as the applications carry it (one indexed row per measure)
        f.title = session.scalar(select(Application.measure_title).where(Application.measure_id == f.measure_id)
                                 .limit(1)) or f.measure_id
    from zhida.payouts.applications import ledger_link

    if ledger_link.available():
        from zhida.payouts import ledger

        for f in out.values():
            f.budgets = ledger.budgets(session, f.measure_id)
    return sorted(out.values(), key=lambda f: (-f.overdue, -f.total, f.measure_id))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """A month ``YYYY-MM`` as UTC instants (Beijing calendar month)."""
    from zhida.errors import ZhidaError

    try:
        year, number = (int(p) for p in month.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        raise ZhidaError("month", f"月份“{month}”应写作 年-月，如 2026-12") from None
    if not 1949 <= year <= 2100:  # 0001-01 or 9999-12 overflowed the calendar (a 500 before)
        raise ZhidaError("month", f"月份“{month}”超出支持范围（1949-01 至 2100-12）")
    following = date(year + number // 12, number % 12 + 1, 1)
    return (datetime.combine(first, time(0), BEIJING).astimezone(UTC),
            datetime.combine(following, time(0), BEIJING).astimezone(UTC))


@dataclass
class MonthLine:
    unit: str
    level: str
    district: str  # the district's name, or 市级
    submitted: int
    approved: int
    approved_amount: Decimal
    refused: int
    paid: int
    paid_amount: Decimal
    open_overdue: int


def monthly(session: Session, person, month: str, now: datetime) -> list[MonthLine]:
    """The month's 兑现 per unit and district: submitted, decided, paid (counts and amounts), and
    the steps overdue now (one pass over the application rows, their mirrored state: no join)."""
    start, end = month_bounds(month)

    def within(column):
        return and_(column.is_not(None), column >= start, column < end)

    late = and_(Application.open_due_at.is_not(None), Application.open_due_at <= now, Application.state != "paid")
    decided_yes = and_(within(Application.decided_at), Application.approved_amount.is_not(None))
    decided_no = and_(within(Application.decided_at), Application.state.in_(DECIDED_NO))
    query = (select(Application.unit, Application.level, Application.district,
                    func.sum(case((within(Application.submitted_at), 1), else_=0)),
                    func.sum(case((decided_yes, 1), else_=0)),
                    func.sum(case((decided_yes, Application.approved_amount), else_=0)),
                    func.sum(case((decided_no, 1), else_=0)),
                    func.sum(case((within(Application.paid_at), 1), else_=0)),
                    func.sum(case((within(Application.paid_at), Application.approved_amount), else_=0)),
                    func.sum(case((late, 1), else_=0)))
             .group_by(Application.unit, Application.level, Application.district))
    lines = []
    for unit, level, district, submitted, yes, yes_amount, no, paid, paid_amount, overdue in \
            session.execute(visible(query, person)):
        lines.append(MonthLine(unit, level, regions.label(district) if district else "市级", int(submitted or 0),
                               int(yes or 0), Decimal(yes_amount or 0).quantize(Decimal("0.01")), int(no or 0),
                               int(paid or 0), Decimal(paid_amount or 0).quantize(Decimal("0.01")), int(overdue or 0)))
    return sorted(lines, key=lambda line: (line.level, line.district, line.unit))
