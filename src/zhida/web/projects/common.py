"""What the project and finance adapters share: the clock, and the desk's mapping of domain
refusals to web errors (hidden → 404, not allowed → 403, stale → 409, bad input → 422)."""

from __future__ import annotations

from datetime import date

from zhida.web.domain import local, now, read, work

__all__ = ["local", "now", "read", "today", "work"]


def today() -> date:
    from zhida.workflow.calendar import BEIJING

    return now().astimezone(BEIJING).date()
