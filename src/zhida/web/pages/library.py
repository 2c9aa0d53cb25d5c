"""政策库 pages: list and filter, search with highlights, document and clause pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from zhida.web import library, policy_views
from zhida.web.deps import OFFICIALS, Principal, require
from zhida.web.lifecycle import views as lifecycle_views
from zhida.web.errors import WebError
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
reader = require("policies", "read")
PER_PAGE = 20


@router.get("/policies")
def documents_page(
    request: Request,
    q: str = Query("", max_length=200),
    issuer: str = Query("", max_length=200),
    unit: str = Query("", max_length=200),
    beneficiary: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=10000),
    _: Principal = Depends(reader),
):
    rows = library.documents(request.app.state.store, q=q, issuer=issuer, unit=unit, beneficiary=beneficiary)
    result = library.paginate(rows, page, PER_PAGE)
    filters = {"q": q, "issuer": issuer, "unit": unit, "beneficiary": beneficiary}
    template = "policies/_document_rows.html" if request.headers.get("HX-Request") else "policies/list.html"
    return render(request, template, {"result": result, "filters": filters, "title": "政策库"}, active="policies")


@router.get("/policies/search")
def search_page(
    request: Request,
    q: str = Query("", max_length=200),
    doc: str = Query("", max_length=255),
    unit: str = Query("", max_length=200),
    beneficiary: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=10000),
    _: Principal = Depends(reader),
):
    filters = {"q": q, "doc": doc, "unit": unit, "beneficiary": beneficiary}
    found, error = None, None
    if q.strip():
        try:
            found = policy_views.search_results(request.app.state.store, q, doc=doc, unit=unit,
                                                beneficiary=beneficiary, page=page, per_page=PER_PAGE)
        except WebError as exc:  # a bad query is shown next to the search box, not as an error page
            error = exc
    template = "policies/_search_results.html" if request.headers.get("HX-Request") else "policies/search.html"
    status = error.status if error else 200
    return render(request, template, {"found": found, "error": error, "filters": filters, "title": "政策检索"},
                  status_code=status, active="policies")


@router.get("/policies/{document}")
def document_page(document: str, request: Request, principal: Principal = Depends(reader)):
    detail = policy_views.document_detail(request.app.state.store, request.app.state.rules, document)
    rules = request.app.state.rules
    return render(request, "policies/document.html", {
        "doc": detail,
        "title": detail["metadata"].get("title") or detail["key"],
        "counts": policy_views.coverage_counts(detail),
        "rules": rules,
        "links": lifecycle_views.links_of(request, detail["key"]),
        "official": principal is not None and principal.role in OFFICIALS,
    }, active="policies")


@router.get("/policies/{document}/clauses/{clause_id}")
def clause_page(document: str, clause_id: str, request: Request, q: str = Query("", max_length=200),
                _: Principal = Depends(reader)):
    detail = policy_views.clause_detail(request.app.state.store, request.app.state.rules, document, clause_id)
    text = detail["clause"]["text"]
    segments = library.highlight_segments(text, None, q) if q.strip() and library.query_terms(q) else [(text, False)]
    return render(request, "policies/clause.html", {
        "detail": detail,
        "segments": segments,
        "q": q,
        "rules_available": request.app.state.rules.available,
        "rules_problem": request.app.state.rules.problem,
        "title": f"条款 {clause_id}",
    }, active="policies")
