"""REST of the rule review: /api/v1/rule-drafts (a document's drafts), /api/v1/rule-drafts/{id}
(one draft with the loader's verdict), /api/v1/rules/{measure_id}/versions (published versions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from zhida.drafting import drafts, review, rulebook
from zhida.web.deps import Principal, require
from zhida.web.domain import read
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS

router = APIRouter(tags=["措施草稿"])
reviewer = require("rule_drafts", "review")
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _policies():
    from zhida.matching.match import load_default_policies

    return load_default_policies()


@router.get("/api/v1/rule-drafts", responses=READ_ERRORS, summary="措施草稿：按文件列出，或各文件的草稿统计")
def list_drafts(request: Request, document: Annotated[str | None, Query(max_length=255)] = None,
                principal: Principal = Depends(reviewer)) -> dict[str, Any]:
    def run(session):
        if document:
            return {"document": document, "drafts": [{**review._row(r), "yaml": r.yaml}
                                                     for r in drafts.of_document(session, document)]}
        return {"documents": drafts.summary(session)}

    return read(request, run)


@router.get("/api/v1/rule-drafts/{draft_id}", responses=LOOKUP_ERRORS, summary="一条措施草稿：YAML、校验结果、待补字段")
def one_draft(request: Request, draft_id: ID, principal: Principal = Depends(reviewer)) -> dict[str, Any]:
    def run(session):
        view = review.draft_view(session, _policies(), draft_id)
        return {k: (str(v) if k == "clause_text" else v) for k, v in view.items()
                if k not in ("published",)} | {"published": view["published"] and
                                               {**view["published"], "at": view["published"]["at"].isoformat()}}

    return read(request, run)


@router.get("/api/v1/rules/{measure_id}/versions", responses=READ_ERRORS, summary="已发布措施的各版本（审核人、时间、YAML）")
def versions(request: Request, measure_id: Annotated[str, Path(max_length=255)],
             principal: Principal = Depends(reviewer)) -> dict[str, Any]:
    def run(session):
        return {"measure_id": measure_id, "versions": [
            {"version": v.version, "document": v.document, "reviewer": v.reviewer, "origin": v.origin,
             "published_at": v.published_at.isoformat(), "yaml": v.item} for v in rulebook.history(session, measure_id)]}

    return read(request, run)
