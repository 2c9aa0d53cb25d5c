"""政策解读 — page and API of one concern: a document's measures read out in plain language
(``zhida.interpretation``), each point beside the source words it comes from. Public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from zhida.interpretation import interpret, reading_json
from zhida.web import library
from zhida.web.deps import Principal, require
from zhida.web.errors import PUBLIC_LOOKUP_ERRORS
from zhida.web.pages.common import render
from zhida.web.policy_views import clause_url

reader = require("policies", "read")
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["政策库"])


def _reading(request: Request, ref: str) -> tuple[dict[str, Any], Any]:
    from zhida.matching.match import load_default_policies

    doc = library.document(request.app.state.store, ref)  # NotFound for an unknown document
    return doc, interpret(doc["key"], load_default_policies())


def clause_names(doc: dict[str, Any]) -> dict[str, str]:
    """Clause id → how the document itself numbers it (三（八）, 前言, 结语)."""
    names = {"preamble": "前言", "closing": "结语"}
    for clause, parents in library.all_clauses(doc):
        if clause["id"] not in names:
            names[clause["id"]] = "".join(clause.get("labels") or []) or "条款"
    return names


@pages.get("/policies/{document}/interpretation")
async def interpretation_page(document: str, request: Request, _: Principal | None = Depends(reader)):
    doc, reading = await run_in_threadpool(_reading, request, document)
    meta = doc["metadata"]
    return render(request, "policies/interpretation.html", {
        "doc": doc, "reading": reading, "names": clause_names(doc), "clause_url": clause_url,
        "title": "政策解读 · " + (meta.get("title") or meta.get("doc_number") or "政策文件"),
    }, active="policies")


@api.get("/documents/{document}/interpretation", responses=PUBLIC_LOOKUP_ERRORS,
         summary="政策解读：按措施列出谁能享受、能得多少、有效期、如何申请，各点附原文")
async def interpretation_api(document: str, request: Request, _: Principal | None = Depends(reader)) -> dict:
    doc, reading = await run_in_threadpool(_reading, request, document)
    return {"title": doc["metadata"].get("title"), **reading_json(reading)}
