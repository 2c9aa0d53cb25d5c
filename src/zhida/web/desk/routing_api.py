"""POST /api/v1/requests/route-suggestion: the routing suggestion (and, asked for, the draft answer)
for a request's text — thin over ``zhida.desk.routing`` and ``zhida.desk.consult``. Staff and admin.

With ``uscc`` the draft includes that enterprise's checkup for the measures concerned; the USCC
passes the same scope guard as every enterprise route (staff: their district only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from zhida.desk import consult, routing
from zhida.web.deps import Principal, require, scoped_uscc
from zhida.web.errors import READ_ERRORS

router = APIRouter(prefix="/api/v1/requests", tags=["诉求派单建议"])


class RouteRequest(BaseModel):
    text: str = Field(description="诉求内容（企业原话）", max_length=routing.MAX_TEXT)
    limit: int = Field(5, ge=1, le=20, description="建议单位数")
    draft: bool = Field(False, description="同时生成政策咨询答复草稿")
    uscc: str | None = Field(None, description="企业统一社会信用代码（答复草稿附该企业的政策体检结果）")


class EvidenceOut(BaseModel):
    document: str
    clause_id: str
    citation: str = Field(description="《短标题》（文号）第三条（八）")
    quote: str = Field(description="条款原文摘录（条款文本的子串）")
    units: list[str]
    score: float
    terms: list[str]


class UnitOut(BaseModel):
    unit: str
    score: float = Field(description="该单位所得分值占全部建议分值的比例（0–1）")
    categories: list[str] = Field(description="命中的派单目录类别")
    evidence: list[EvidenceOut]


class CategoryOut(BaseModel):
    name: str
    keywords: list[str]
    units: list[str]
    sources: list[str]


class DraftLineOut(BaseModel):
    frame: str
    slots: dict[str, str]
    text: str


class DraftOut(BaseModel):
    question: str
    is_question: bool
    draft: bool = Field(description="始终为 true：草稿，须经办人审核修改后发送")
    text: str
    lines: list[DraftLineOut]
    units: list[str]
    checkup: list[dict]


class RouteSuggestionOut(BaseModel):
    text: str
    units: list[UnitOut]
    clauses: list[EvidenceOut]
    categories: list[CategoryOut]
    draft: DraftOut | None = None


@router.post("/route-suggestion", response_model=RouteSuggestionOut, responses=READ_ERRORS,
             summary="派单建议：按诉求内容建议承办单位，附依据条款及原文摘录；可同时生成答复草稿")
async def route_suggestion(request: Request, body: RouteRequest,
                           principal: Principal = Depends(require("routing", "suggest"))) -> RouteSuggestionOut:
    store = request.app.state.store
    uscc = await scoped_uscc(request, principal, body.uscc) if body.draft and body.uscc else None
    suggestion = await run_in_threadpool(routing.suggest, store, body.text, limit=body.limit)
    out = suggestion.to_json()
    if body.draft:
        draft = await run_in_threadpool(consult.answer, store, body.text, uscc=uscc, as_of=request.app.state.as_of)
        out["draft"] = draft.to_json()
    return RouteSuggestionOut(**out)
