"""Report cycles: a month (2026-11) or a quarter (2026-Q4), named by the Beijing calendar."""

from __future__ import annotations

import re
from datetime import date, datetime

from zhida.errors import ZhidaError
from zhida.workflow.calendar import beijing_day

_CYCLE = re.compile(r"^(?P<y>\d{4})-(?:(?P<m>0[1-9]|1[0-2])|Q(?P<q>[1-4]))$")


def current(kind: str, now: datetime) -> str:
    day = beijing_day(now)
    return f"{day.year}-{day.month:02d}" if kind == "month" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous(kind: str, now: datetime) -> str:
    """The cycle that ended last (the one reported on now)."""
    day = beijing_day(now)
    if kind == "month":
        year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
        return f"{year}-{month:02d}"
    quarter = (day.month - 1) // 3 + 1
    year, quarter = (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)
    return f"{year}-Q{quarter}"


def check(cycle: str) -> str:
    if not isinstance(cycle, str) or not _CYCLE.match(cycle):
        raise ZhidaError("cycle", f"报告周期应写作 2026-11（月）或 2026-Q4（季度），而不是“{cycle}”")
    return cycle


def kind_of(cycle: str) -> str:
    return "quarter" if "Q" in check(cycle) else "month"


def end_of(cycle: str) -> date:
    match = _CYCLE.match(check(cycle))
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else int(match["q"]) * 3
    return date(year + (month == 12), month % 12 + 1, 1)  # the day after the cycle (exclusive end)
