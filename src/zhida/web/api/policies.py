"""政策库 API: documents, clause trees with coverage, clauses with their rules, search — public
(no account needed; anonymous reads are rate-limited per address, deps.require)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from zhida.web import library, policy_views
from zhida.web.api.common import Pagination, meta, pagination
from zhida.web.api.schemas import ClauseDetail, DocumentDetail, DocumentList, SearchResults
from zhida.web.deps import Principal, require
from zhida.web.errors import PUBLIC_LOOKUP_ERRORS as LOOKUP_ERRORS, PUBLIC_READ_ERRORS as READ_ERRORS

router = APIRouter(prefix="/api/v1", tags=["政策库"])
reader = require("policies", "read")


@router.get("/documents", response_model=DocumentList, responses=READ_ERRORS, summary="政策文件列表（可筛选、分页）")
def list_documents(
    request: Request,
    q: str | None = Query(None, max_length=200, description="标题、文号或文件键包含"),
    issuer: str | None = Query(None, max_length=200, description="发文机关包含"),
    unit: str | None = Query(None, max_length=200, description="有条款列明此责任单位"),
    beneficiary: str | None = Query(None, max_length=200, description="有条款列明此受益对象"),
    paging: Pagination = Depends(pagination),
    _: Principal | None = Depends(reader),
) -> DocumentList:
    rows = library.documents(request.app.state.store, q=q, issuer=issuer, unit=unit, beneficiary=beneficiary)
    page = library.paginate(rows, paging.page, paging.per_page)
    return DocumentList(items=page.items, meta=meta(page))


@router.get("/documents/{document}", response_model=DocumentDetail, responses=LOOKUP_ERRORS,
            summary="政策文件：原文与条款树（含覆盖度标记）")
def get_document(document: str, request: Request, _: Principal | None = Depends(reader)) -> DocumentDetail:
    return DocumentDetail(**policy_views.document_detail(request.app.state.store, request.app.state.rules, document))


@router.get("/documents/{document}/clauses/{clause_id}", response_model=ClauseDetail, responses=LOOKUP_ERRORS,
            summary="条款：原文片段、抽取结果与已编码规则")
def get_clause(document: str, clause_id: str, request: Request, _: Principal | None = Depends(reader)) -> ClauseDetail:
    detail = policy_views.clause_detail(request.app.state.store, request.app.state.rules, document, clause_id)
    return ClauseDetail(**detail)


@router.get("/search", response_model=SearchResults, responses=LOOKUP_ERRORS, summary="全文检索（空格分隔的词同时命中）")
def search(
    request: Request,
    q: str = Query(..., max_length=200, description="检索词，如“专精特新 贷款”；繁简体均可"),
    doc: str | None = Query(None, max_length=255, description="限定文件（键、键前缀或文号）"),
    unit: str | None = Query(None, max_length=200, description="限定责任单位"),
    beneficiary: str | None = Query(None, max_length=200, description="限定受益对象"),
    paging: Pagination = Depends(pagination),
    _: Principal | None = Depends(reader),
) -> SearchResults:
    found = policy_views.search_results(request.app.state.store, q, doc=doc, unit=unit, beneficiary=beneficiary,
                                        page=paging.page, per_page=paging.per_page)
    return SearchResults(query=found["query"], items=found["result"].items, meta=meta(found["result"]))
