"""Pages of the rule review: /rules/drafts (documents with drafts, draft a stored document),
/rules/drafts/{key} (the text and its drafts side by side), /rules/drafts/item/{id} (review one
draft: edit, cases, impact, publish)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse

from zhida.drafting import drafts, review
from zhida.web.deps import Principal, require
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.errors import Invalid
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
reviewer = require("rule_drafts", "review")
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]
KEY = Annotated[str, Path(max_length=255)]


def _policies():
    from zhida.matching.match import load_default_policies

    return load_default_policies()


def _name(principal: Principal) -> str:
    return principal.display_name or principal.username


@router.get("/rules/drafts")
def index_page(request: Request, principal: Principal = Depends(reviewer)):
    found = read(request, review.index_view)
    return render(request, "drafts/index.html", {"title": "措施草稿审核", "d": found, "status_zh": review.STATUS_ZH},
                  active="drafts")


@router.post("/rules/drafts/make")
def make_page(request: Request, document: str = Form(..., max_length=255), principal: Principal = Depends(reviewer)):
    work(request, lambda s: drafts.make(s, document, _policies(), clock(), actor=principal.username,
                                        actor_id=principal.user_id))
    return RedirectResponse(f"/rules/drafts/{document}", status_code=303)


@router.get("/rules/drafts/{key}")
def document_page(request: Request, key: KEY, principal: Principal = Depends(reviewer)):
    found = read(request, lambda s: review.document_view(s, key))
    return render(request, "drafts/document.html", {"title": f"措施草稿：{found['title']}", "d": found},
                  active="drafts")


def _review_page(request: Request, draft_id: int, **extra):
    found = read(request, lambda s: review.draft_view(s, _policies(), draft_id))
    return render(request, "drafts/review.html", {"title": "审核措施草稿", "r": found,
                                                  "today": date.today().isoformat(), **extra}, active="drafts")


@router.get("/rules/drafts/item/{draft_id}")
def review_page(request: Request, draft_id: ID, principal: Principal = Depends(reviewer)):
    return _review_page(request, draft_id)


@router.post("/rules/drafts/item/{draft_id}/edit")
def edit_page(request: Request, draft_id: ID, yaml_text: str = Form(..., alias="yaml", max_length=100_000),
              cases_yaml: str = Form("", max_length=100_000), revision: int = Form(..., ge=1, le=2**31 - 1),
              principal: Principal = Depends(reviewer)):
    work(request, lambda s: drafts.edit(s, _policies(), draft_id, yaml_text, cases_yaml, revision=revision,
                                        actor=principal.username, actor_id=principal.user_id, now=clock()))
    return RedirectResponse(f"/rules/drafts/item/{draft_id}", status_code=303)


@router.post("/rules/drafts/item/{draft_id}/cases")
def cases_page(request: Request, draft_id: ID, principal: Principal = Depends(reviewer)):
    results = read(request, lambda s: review.run_cases(s, _policies(), draft_id))
    return _review_page(request, draft_id, cases=results)


@router.post("/rules/drafts/item/{draft_id}/impact")
def impact_page(request: Request, draft_id: ID, as_of: str = Form(..., max_length=10),
                principal: Principal = Depends(reviewer)):
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise Invalid("评估日期格式应为 YYYY-MM-DD", field="as_of") from None
    store = request.app.state.store
    result = read(request, lambda s: review.run_impact(s, store, _policies(), draft_id, day))
    return _review_page(request, draft_id, impact=result)


@router.post("/rules/drafts/item/{draft_id}/publish")
def publish_page(request: Request, draft_id: ID, revision: int = Form(..., ge=1, le=2**31 - 1),
                 principal: Principal = Depends(reviewer)):
    work(request, lambda s: drafts.publish(s, _policies(), draft_id, revision=revision, reviewer=_name(principal),
                                           actor_id=principal.user_id, now=clock()))
    return RedirectResponse(f"/rules/drafts/item/{draft_id}", status_code=303)


@router.post("/rules/drafts/item/{draft_id}/dismiss")
def dismiss_page(request: Request, draft_id: ID, revision: int = Form(..., ge=1, le=2**31 - 1),
                 reason: str = Form("", max_length=2000), principal: Principal = Depends(reviewer)):
    work(request, lambda s: drafts.dismiss(s, draft_id, reason, revision=revision, actor=principal.username,
                                           actor_id=principal.user_id, now=clock()))
    return RedirectResponse(f"/rules/drafts/item/{draft_id}", status_code=303)
