"""Working days on the official calendar (国务院办公厅 holiday notices, with 调休 make-up days).

The calendar comes from the maintained `chinese_calendar` package (one release a year, after
the State Council publishes the next year's holidays). A date in a year the package does not
cover yet is counted as a working day when it is Monday–Friday, and the answer says it is an
estimate (``estimated``), so a deadline is never silently wrong and never missing.

Time limits count as the offices do: "N个工作日内" starts the working day after the event and
ends at the close of the N-th working day (Beijing time, 24:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Deadline:
    at: datetime  # UTC instant: the close of the last working day
    day: date  # that working day (Beijing)
    estimated: bool  # some day counted lies in a year the official calendar does not cover yet


def beijing_day(instant: datetime) -> date:
    if instant.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BEIJING).date()


@lru_cache(maxsize=16384)
def is_workday(day: date) -> tuple[bool, bool]:
    """(is it a working day, is that an estimate). Memoized: the package validates every date
    against its whole table (~0.1 ms a call), and a queue page counts hundreds of days a row."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:  # the year's holidays are not published in the package yet
        return day.weekday() < 5, True


def add_working_days(start: datetime, days: int) -> Deadline:
    """The close of the ``days``-th working day after ``start`` (0: the close of the start day)."""
    day, estimated, counted = beijing_day(start), False, 0
    while counted < days:
        day += timedelta(days=1)
        working, guess = is_workday(day)
        estimated |= guess
        counted += working
    close = datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING).astimezone(UTC)
    return Deadline(close, day, estimated)


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day (0 when end ≤ start)."""
    first, last = beijing_day(start), beijing_day(end)
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_workday(day)[0]
    return count
