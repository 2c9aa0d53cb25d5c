"""The evaluation date (评估日) a request asks for: one dependency for every ``as_of`` parameter.

Dates outside 1949-10-01..2100-12-31 are refused with one Chinese line (422): no policy applies
before the founding of the PRC, and a date near the calendar's ends (9999-12-31, 0001-01-01)
only ever produced an OverflowError deep inside the matcher.
"""

from __future__ import annotations

from datetime import date

from fastapi import Query

from zhida.dates import EARLIEST, LATEST, RANGE_ZH
from zhida.web.errors import Invalid


def checked(day: date | None, field: str = "as_of") -> date | None:
    """``day`` if it lies in the supported range (None passes: the server's default applies)."""
    if day is not None and not EARLIEST <= day <= LATEST:
        raise Invalid(f"评估日 {day.isoformat()} 超出支持范围（{RANGE_ZH}）", field=field)
    return day


def parsed(text: str | None, field: str = "as_of") -> date | None:
    """A YYYY-MM-DD text (a JSON body field) → a checked date; None for an empty value."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"评估日 {text} 不是有效日期（YYYY-MM-DD）", field=field) from None
    return checked(day, field)


async def as_of_param(as_of: date | None = Query(None, description=f"评估日 YYYY-MM-DD（{RANGE_ZH}，默认服务器设定）")
                      ) -> date | None:
    """Dependency for an optional ``?as_of=`` query parameter."""
    return checked(as_of)
