"""精准推送 over HTTP: the user's scope, the export's file name and audit row. The lists themselves
are zhida.pushlists (one line per measure, amounts by kind, by document, paginated); the API's
grouping by responsible unit is kept for its clients."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from zhida.batch.pushlists import measure_lists
from zhida.jobs.batch import BatchResult
from zhida.matching.match import load_default_policies
from zhida.pushlists import listing
from zhida.pushlists.choices import industry_label
from zhida.pushlists.documents import document_titles
from zhida.pushlists.scope import NOWHERE, Scope, district_for, visible_measures
from zhida.web import audit
from zhida.web.deps import Principal
from zhida.web.enterprise_data import region_name


def scope_of(principal: Principal) -> Scope:
    """Staff: their units' measures and, when recorded, their district; admins: everything."""
    if principal.role != "staff":
        return Scope()
    return Scope(tuple(principal.units), principal.region_code if principal.district_scoped else None)


def titles(store, policies=None) -> dict:
    policies = policies or load_default_policies()
    return document_titles(store, {m.document for m in policies.measures.values()})


def build(batch: BatchResult, principal: Principal, *, measure: str | None = None, region: str | None = None,
          industry: str | None = None, limit_per_measure: int | None = None) -> list[dict[str, Any]]:
    """The API's view: one entry per measure {measure_id, title, units, count, total, enterprises}."""
    scope = scope_of(principal)
    district = district_for(scope, region)
    if district == NOWHERE:
        return []
    industry = (industry or "").strip().upper() or None
    wanted = [m for m in visible_measures(load_default_policies(), scope) if not measure or m.id == measure]
    found = measure_lists(batch.run, [m.id for m in wanted], district=district, industry=industry,
                          limit=limit_per_measure)
    out = []
    for m in wanted:
        hits = found.get(m.id)
        if hits is None and measure is None:
            continue
        hits = hits or {"count": 0, "total": None, "rows": []}
        rows = [{"uscc": r["uscc"], "name": r["name"], "region": region_name(r["region_code"]),
                 "industry": industry_label(r["industry_code"]), "amount": _money(r["amount"])} for r in hits["rows"]]
        out.append({"measure_id": m.id, "title": m.title, "units": list(m.responsible_units), "count": hits["count"],
                    "total": _money(hits["total"] or Decimal(0)), "enterprises": rows})
    out.sort(key=lambda x: -x["count"])
    return out


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def by_unit(lists: list[dict[str, Any]], principal: Principal) -> list[tuple[str, list[dict[str, Any]]]]:
    """The API's grouping by responsible unit; staff see their own units first."""
    groups: dict[str, list] = {}
    for entry in lists:
        for unit in entry["units"] or ["未列明责任单位"]:
            groups.setdefault(unit, []).append(entry)
    own = set(principal.units) if principal.role == "staff" else set()
    return sorted(groups.items(), key=lambda kv: (kv[0] not in own, -sum(e["count"] for e in kv[1]), kv[0]))


def export_pages(batch: BatchResult, principal: Principal, store, *, query: str = "", measure: str | None = None,
                 region: str | None = None, industry: str | None = None) -> list:
    """Every enterprise of every measure matching the filters (what the XLSX holds)."""
    policies = load_default_policies()
    scope, known = scope_of(principal), titles(store, policies)
    found = listing.listing(batch.run, policies, scope, query=query, measure=measure, region=region,
                            industry=industry, per_page=10_000, titles=known)
    return [listing.enterprises(batch.run, policies, scope, line.measure_id, region=region, industry=industry,
                                per_page=None, titles=known) for line in found.lines]


def export_filename(pages: list, day: date) -> str:
    """推送名单_<措施>_<日期>.xlsx for one measure, 推送名单_<n>项措施_<日期>.xlsx for several."""
    what = pages[0].line.title if len(pages) == 1 else f"{len(pages)}项措施"
    what = re.sub(r'[\\/:*?"<>|\s]+', "", what)[:40] or "措施"
    return f"推送名单_{what}_{day.isoformat()}.xlsx"


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
    pages = [p for p in export_pages(batch, principal, request.app.state.store, query=query, measure=measure,
                                     region=region, industry=industry) if p is not None]
    filters = {"评估日": batch.as_of.isoformat(), "搜索": query or "—", "措施": measure or "全部",
               "地区": region or principal.region_label or "全部", "行业": industry or "全部", "导出人": principal.username}
    audit_export(request, principal, pages, filters)
    return Response(push_list_xlsx(pages, filters), media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(export_filename(pages, date.today()))})
