"""政策解析进度 (coverage). (企业画像/政策体检, 精准推送 and 模拟测算 moved to pages/enterprises.py, push.py, simulate.py.)"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from zhida.web import library, policy_views
from zhida.web.deps import Principal, require
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)


@router.get("/coverage")
def coverage_page(request: Request, _: Principal = Depends(require("coverage", "read"))):
    store, rules = request.app.state.store, request.app.state.rules
    rows = []
    for summary in library.documents(store):
        detail = policy_views.document_detail(store, rules, summary["key"])
        rows.append({"doc": summary, "counts": policy_views.coverage_counts(detail)})
    return render(request, "sections/coverage.html", {"title": "政策解析进度", "rows": rows, "rules": rules},
                  active="coverage")
