"""Pages and API of 政策征集 (zhida.consultation.service): one concern, one module."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse

from zhida.consultation import service
from zhida.consultation.service import Person
from zhida.web.deps import Principal, require
from zhida.web.domain import now, read, work
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS
from zhida.web.pages.common import render

api = APIRouter(tags=["政策征集"])
pages = APIRouter(include_in_schema=False)
reader, commenter, manager = (require("consultations", "read"), require("consultations", "comment"),
                              require("consultations", "manage"))
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


def person(principal: Principal | None) -> Person:
    if principal is None:
        return Person(None, "visitor")
    return Person(principal.role, principal.display_name or principal.username, principal.user_id,
                  tuple(principal.units), principal.uscc)


@api.get("/api/v1/consultations", responses=READ_ERRORS, summary="政策征集列表")
def list_api(request: Request, _: Principal | None = Depends(reader)) -> list[dict[str, Any]]:
    return read(request, service.listing)


@api.get("/api/v1/consultations/{consultation_id}", responses=LOOKUP_ERRORS,
         summary="一次征集：征求意见稿条款、可见的意见与答复、定稿后各条款的去向")
def detail_api(consultation_id: ID, request: Request, principal: Principal | None = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: service.detail(s, consultation_id, person(principal), now()))


@pages.get("/consultations")
def list_page(request: Request, principal: Principal | None = Depends(reader)):
    rows = read(request, service.listing)
    documents = []
    if principal is not None and principal.role in ("admin", "staff"):
        from zhida.store.catalog import list_documents

        documents = list_documents(request.app.state.store)
    return render(request, "consultation/list.html", {"rows": rows, "documents": documents,
                                                      "units": list(principal.units) if principal else [],
                                                      "min_days": service.rules()["min_period_working_days"],
                                                      "title": "政策征集"}, active="policies")


@pages.post("/consultations")
def open_page(request: Request, document: str = Form(..., max_length=255), unit: str = Form(..., max_length=255),
              opens_on: date = Form(...), closes_on: date = Form(...), principal: Principal = Depends(manager)):
    made = work(request, lambda s: service.open_consultation(
        s, document=document, unit=unit.strip(), opens_on=opens_on, closes_on=closes_on, person=person(principal),
        now=now()).id)
    return RedirectResponse(f"/consultations/{made}", status_code=303)


@pages.get("/consultations/{consultation_id}")
def detail_page(consultation_id: ID, request: Request, principal: Principal | None = Depends(reader)):
    shown = read(request, lambda s: service.detail(s, consultation_id, person(principal), now()))
    return render(request, "consultation/page.html", {"c": shown, "decisions": service.DECISIONS,
                                                      "title": f"政策征集：{shown['title']}"}, active="policies")


@pages.post("/consultations/{consultation_id}/comments")
def comment_page(consultation_id: ID, request: Request, clause_id: str = Form(..., max_length=255),
                 text: str = Form(..., max_length=service.TEXT_MAX + 100),
                 author_name: str = Form("", max_length=60), principal: Principal | None = Depends(commenter)):
    work(request, lambda s: service.comment(s, consultation_id, clause_id=clause_id, text=text,
                                            person=person(principal), author_name=author_name, now=now()).id)
    return RedirectResponse(f"/consultations/{consultation_id}?sent=1#c-{clause_id}", status_code=303)


@pages.post("/consultations/{consultation_id}/comments/{comment_id}/answer")
def answer_page(consultation_id: ID, comment_id: ID, request: Request, decision: str = Form(..., max_length=16),
                answer: str = Form("", max_length=service.TEXT_MAX), principal: Principal = Depends(manager)):
    work(request, lambda s: service.answer(s, comment_id, decision=decision, text=answer, person=person(principal),
                                           now=now()).id)
    return RedirectResponse(f"/consultations/{consultation_id}#k-{comment_id}", status_code=303)


@pages.post("/consultations/{consultation_id}/publish")
def publish_page(consultation_id: ID, request: Request, summary: str = Form("", max_length=5000),
                 version: int = Form(..., ge=1, le=2**31 - 1), principal: Principal = Depends(manager)):
    work(request, lambda s: service.publish(s, consultation_id, summary=summary, person=person(principal), now=now(),
                                            expected_version=version).id)
    return RedirectResponse(f"/consultations/{consultation_id}", status_code=303)
