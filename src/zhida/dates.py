"""The calendar zhida supports: 1949-10-01 … 2100-12-31.

No policy applies before the founding of the PRC, and a date near the calendar's ends (9999-12-31,
0001-01-01) only ever overflowed later — a deadline's closing instant, a validity added to an entry
date, working days counted to it — as a 500. Every date a user gives is checked here first."""

from __future__ import annotations

from datetime import date

from zhida.errors import ZhidaError

EARLIEST = date(1949, 10, 1)
LATEST = date(2100, 12, 31)
RANGE_ZH = f"{EARLIEST.isoformat()} 至 {LATEST.isoformat()}"


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def supported(day: date, field: str, label: str) -> date:
    """``day`` if zhida can compute with it; else one Chinese line naming the field."""
    if not in_range(day):
        raise ZhidaError(field, f"{label} {day.isoformat()} 超出支持范围（{RANGE_ZH}）")
    return day
