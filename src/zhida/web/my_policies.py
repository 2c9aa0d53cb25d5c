"""What the 我的政策 page and API share: one visit — the enterprise's memoized checkup, the page
assembled by ``zhida.mypolicies``, the snapshot recorded and compared with the last one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from zhida.matching.checkup import Checkup
from zhida.matching.match import load_default_policies
from zhida.mypolicies import mine, seen, snapshot
from zhida.web import enterprise_ops
from zhida.web.deps import Principal


@dataclass
class Visit:
    checkup: Checkup
    page: dict  # zhida.mypolicies.mine.assemble
    changes: list[dict]  # zhida.mypolicies.snapshot.diff against the last visit
    first_visit: bool
    last_seen_at: datetime | None


def visit(request: Request, principal: Principal) -> Visit:
    """Raises NotFound when the user's enterprise is not in the store."""
    checkup = enterprise_ops.run_checkup(request, principal.uscc)
    report = checkup.report
    page = mine.assemble(report, load_default_policies())
    now = snapshot.take(report)
    before, seen_at = seen.visit(request.app.state.store, principal.user_id, principal.uscc, now)
    return Visit(checkup, page, snapshot.diff(before, now, snapshot.titles(report)), before is None, seen_at)
