"""精准推送 over HTTP: a user as a scope, the export's response (RFC 5987 name) and audit row. The
lists themselves are zhida.pushlists (one line per measure, amounts by kind, by document,
paginated; ``by_unit``: the API's older grouping by responsible unit, kept for its clients)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

from zhida.jobs.batch import BatchResult
from zhida.matching.match import load_default_policies
from zhida.pushlists import by_unit, listing
from zhida.pushlists.documents import document_titles
from zhida.pushlists.scope import Scope
from zhida import audit
from zhida.web.deps import Principal


def scope_of(principal: Principal) -> Scope:
    """Staff: their units' measures and, when recorded, their district; admins: everything."""
    if principal.role != "staff":
        return Scope()
    return Scope(tuple(principal.units), principal.region_code if principal.district_scoped else None)


def build(batch: BatchResult, principal: Principal, **filters) -> list[dict[str, Any]]:
    return by_unit.measures(batch.run, load_default_policies(), scope_of(principal), **filters)


def grouped(lists: list[dict[str, Any]], principal: Principal) -> list[tuple[str, list[dict[str, Any]]]]:
    return by_unit.grouped(lists, set(principal.units) if principal.role == "staff" else set())


def titles(store, policies=None) -> dict:
    policies = policies or load_default_policies()
    return document_titles(store, {m.document for m in policies.measures.values()})


def content_disposition(filename: str) -> str:
    """An attachment named in UTF-8 (RFC 5987 ``filename*``) with an ASCII fallback."""
    ascii_part = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_")
    fallback = "push-list" + ("_" + ascii_part if ascii_part else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def audit_export(request, principal: Principal, pages: list, filters: dict[str, str]) -> None:
    rows = sum(len(p.rows) for p in pages)
    audit.by(request.app.state.store, principal, "export", "push_list", filters.get("措施", "全部"),
             detail="导出推送名单 XLSX（" + "，".join(f"{k} {v}" for k, v in filters.items() if k != "导出人") + "）",
             after={"filters": filters, "rows": rows})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(request, principal: Principal, *, query: str = "", measure: str | None = None,
                    region: str | None = None, industry: str | None = None):
    """The push-list XLSX of the filters, audited, named by measure and date (page and API)."""
    from fastapi.responses import Response

    from zhida.web.errors import WebError
    from zhida.web.reports.xlsx import push_list_xlsx

    batch = request.app.state.jobs.latest
    if batch is None:
        raise WebError(409, "conflict", "尚未完成批量匹配：请先运行批量匹配")
    policies = load_default_policies()
    pages = listing.every_enterprise(batch.run, policies, scope_of(principal), query=query, measure=measure,
                                     region=region, industry=industry, titles=titles(request.app.state.store, policies))
    chosen = policies.measures.get(measure) if measure else None
    filters = {"评估日": batch.as_of.isoformat(), "搜索": query or "—",
               "措施": f"《{chosen.title}》" if chosen is not None else (measure or "全部"),
               "地区": _region_words(region) or principal.region_label or "全部", "行业": industry or "全部", "导出人": principal.username}
    audit_export(request, principal, pages, filters)
    return Response(push_list_xlsx(pages, filters), media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(listing.export_filename(pages, date.today()))})


def _region_words(region: str | None) -> str | None:
    """A picked region code as its name (朝阳区), as the XLSX header and the audit row show it."""
    if not region:
        return None
    from zhida.enterprises import regions

    try:
        return regions.label(region)
    except (KeyError, ValueError):
        return region
