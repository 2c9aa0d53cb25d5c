"""我的政策 (/my): an enterprise user's landing page. The content is ``zhida.mypolicies``
(assembled from the memoized checkup's report); this module only records the visit and renders."""

from __future__ import annotations

from datetime import timedelta, timezone

from fastapi import APIRouter, Depends, Request

from zhida.matching.match import load_default_policies
from zhida.mypolicies import mine, seen, snapshot
from zhida.web import enterprise_ops
from zhida.web.deps import Principal, require
from zhida.web.errors import NotFound
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
BEIJING = timezone(timedelta(hours=8))
SHOWN = 20  # items per section before 其余 N 项


@router.get("/my")
def my_policies(request: Request, principal: Principal = Depends(require("mine", "read"))):
    try:
        checkup = enterprise_ops.run_checkup(request, principal.uscc)
    except NotFound:  # the account exists before its enterprise is imported: say so, not 404
        return render(request, "mine/page.html", {"title": "我的政策", "e": None, "uscc": principal.uscc},
                      active="mine")
    report = checkup.report
    page = mine.assemble(report, load_default_policies())
    now = snapshot.take(report)
    before, seen_at = seen.visit(request.app.state.store, principal.user_id, principal.uscc, now)
    changes = snapshot.diff(before, now)
    return render(request, "mine/page.html", {
        "title": "我的政策", "e": checkup.enterprise, "m": page, "changes": changes, "first_visit": before is None,
        "seen_at": seen_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if seen_at else None, "shown": SHOWN,
    }, active="mine")
