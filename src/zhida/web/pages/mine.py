"""我的政策 (/my): an enterprise user's landing page. The content is ``zhida.mypolicies``
(assembled from the memoized checkup's report); ``web.my_policies`` records the visit."""

from __future__ import annotations

from datetime import timedelta, timezone

from fastapi import APIRouter, Depends, Request

from zhida.web.deps import Principal, require
from zhida.web.errors import NotFound
from zhida.web.my_policies import visit
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
BEIJING = timezone(timedelta(hours=8))
SHOWN = 20  # items per section before 其余 N 项


@router.get("/my")
def my_policies(request: Request, principal: Principal = Depends(require("mine", "read"))):
    try:
        v = visit(request, principal)
    except NotFound:  # the account exists before its enterprise is imported: say so, not 404
        return render(request, "mine/page.html", {"title": "我的政策", "e": None, "uscc": principal.uscc},
                      active="mine")
    return render(request, "mine/page.html", {
        "title": "我的政策", "e": v.checkup.enterprise, "m": v.page, "changes": v.changes,
        "first_visit": v.first_visit, "shown": SHOWN,
        "seen_at": v.last_seen_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if v.last_seen_at else None,
    }, active="mine")
