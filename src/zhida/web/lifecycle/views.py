"""Pages and API of a policy's life cycle (zhida.lifecycle): one concern, one module."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from zhida.lifecycle import expiry, stored
from zhida.web.deps import Principal, require
from zhida.web.domain import as_web_errors
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, NotFound
from zhida.web.pages.common import render

api = APIRouter(tags=["政策生命周期"])
pages = APIRouter(include_in_schema=False)
reader, official = require("policies", "read"), require("lifecycle", "read")
DAYS = Query(90, ge=1, le=3650, description="天数：列出今天起多少天内到期或截止的")
AS_OF = Query(None, description="今天（默认系统日期），YYYY-MM-DD")


def _store(request: Request):
    return request.app.state.store


def _lookup(fn):
    with as_web_errors():
        try:
            return fn()
        except NotFound:
            raise
        except Exception as exc:  # the store's "no such document" → 404 with one Chinese line
            from zhida.errors import ZhidaError

            if isinstance(exc, ZhidaError) and "version" not in exc.where:
                raise NotFound("该政策文件不存在，请在政策库中查找", field="document") from None
            raise


def links_of(request: Request, document: str) -> dict[str, Any]:
    return _lookup(lambda: stored.graph(_store(request), document))


def diff_of(request: Request, document: str, old: int | None, new: int | None):
    from zhida.matching.match import load_default_policies

    return _lookup(lambda: stored.version_diff(_store(request), document, old, new,
                                               load_default_policies().measures.values()))


def endings(days: int, as_of: date | None) -> dict[str, list[dict[str, Any]]]:
    from zhida.matching.match import load_default_policies

    today = as_of or date.today()
    grouped = expiry.by_unit(expiry.upcoming(load_default_policies(), today, days))
    return {unit: [{"measure_id": e.measure_id, "title": e.title, "document": e.document, "kind": e.kind,
                    "kind_zh": e.kind_zh, "on": e.on.isoformat(), "days_left": e.days_left, "quote": e.quote}
                   for e in items] for unit, items in grouped.items()}


@api.get("/api/v1/documents/{document}/links", responses=LOOKUP_ERRORS, summary="文件关联：废止、延长、修改、贯彻落实")
def links_api(document: str, request: Request, _: Principal = Depends(reader)) -> dict[str, Any]:
    return links_of(request, document)


@api.get("/api/v1/documents/{document}/diff", responses=LOOKUP_ERRORS, summary="两个版本的条款差异与需复核的措施")
def diff_api(document: str, request: Request,
             old: int | None = Query(None, alias="from", ge=1, le=100000, description="旧版本（默认：前一版）"),
             new: int | None = Query(None, alias="to", ge=1, le=100000, description="新版本（默认：当前版）"),
             _: Principal = Depends(official)) -> dict[str, Any]:
    return diff_of(request, document, old, new).to_dict()


@api.get("/api/v1/expiring", responses=READ_ERRORS, summary="即将到期的措施与即将截止的申报（按责任单位）")
def expiring_api(days: int = DAYS, as_of: date | None = AS_OF, _: Principal = Depends(official)):
    return endings(days, as_of)


@pages.get("/policies/expiring")
def expiring_page(request: Request, days: int = DAYS, as_of: date | None = AS_OF,
                  _: Principal = Depends(official)):
    grouped = endings(days, as_of)
    return render(request, "lifecycle/expiring.html", {
        "grouped": grouped, "days": days, "today": (as_of or date.today()).isoformat(),
        "total": len({(e["measure_id"], e["kind"]) for items in grouped.values() for e in items}),
        "title": "即将到期与截止"}, active="policies")


@pages.get("/policies/{document}/diff")
def diff_page(document: str, request: Request,
              old: int | None = Query(None, alias="from", ge=1, le=100000),
              new: int | None = Query(None, alias="to", ge=1, le=100000),
              _: Principal = Depends(official)):
    diff = diff_of(request, document, old, new)
    return render(request, "lifecycle/diff.html", {"diff": diff, "title": f"版本比较 {diff.key}"}, active="policies")
