"""Sections whose engine arrives later (企业画像/政策体检, 精准推送, 模拟测算) and 覆盖度.

Their routes and guards are final: the enterprise page already passes the USCC guard, so
only the content blocks of the templates change when the matching engine lands.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from zhida.errors import DataError
from zhida.web import library, policy_views
from zhida.web.deps import Principal, enterprise_access, require
from zhida.web.pages.common import render
from zhida.web.uscc import normalize_uscc

router = APIRouter(include_in_schema=False)


@router.get("/enterprises")
def enterprises_page(request: Request, principal: Principal = Depends(require("enterprises", "read"))):
    if principal.role == "enterprise":  # an enterprise user has exactly one enterprise
        return RedirectResponse(f"/enterprises/{principal.uscc}", status_code=303)
    return render(request, "sections/enterprises.html", {"title": "企业画像/政策体检", "error": None, "uscc": ""},
                  active="enterprises")


@router.get("/enterprises/lookup")
def enterprise_lookup(request: Request, uscc: str = Query("", max_length=32),
                      principal: Principal = Depends(require("enterprises", "read"))):
    try:
        code = normalize_uscc(uscc)
    except DataError as exc:
        return render(request, "sections/enterprises.html", {"title": "企业画像/政策体检", "error": exc.reason,
                                                              "uscc": uscc}, status_code=422, active="enterprises")
    return RedirectResponse(f"/enterprises/{code}", status_code=303)


@router.get("/enterprises/{uscc}")
def enterprise_page(request: Request, access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "read"))):
    _, uscc = access
    return render(request, "sections/enterprise.html", {"title": f"企业 {uscc}", "uscc": uscc}, active="enterprises")


@router.get("/push")
def push_page(request: Request, _: Principal = Depends(require("push", "read"))):
    return render(request, "sections/push.html", {"title": "精准推送"}, active="push")


@router.get("/simulations")
def simulations_page(request: Request, _: Principal = Depends(require("simulations", "run"))):
    return render(request, "sections/simulations.html", {"title": "模拟测算"}, active="simulations")


@router.get("/coverage")
def coverage_page(request: Request, _: Principal = Depends(require("coverage", "read"))):
    store, rules = request.app.state.store, request.app.state.rules
    rows = []
    for summary in library.documents(store):
        detail = policy_views.document_detail(store, rules, summary["key"])
        rows.append({"doc": summary, "counts": policy_views.coverage_counts(detail)})
    return render(request, "sections/coverage.html", {"title": "覆盖度", "rows": rows, "rules": rules},
                  active="coverage")
