"""One line per measure (its units listed, never repeated per unit), amounts by kind, grouped by
document and a page at a time; and one measure's enterprises, a page at a time."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhida.batch import pushlists as run_lists
from zhida.pushlists.documents import document_label
from zhida.pushlists.scope import NOWHERE, Scope, district_for, visible_measures
from zhida.rules.totals import GROUP_ZH, bucket

NOT_PAYABLE = "unquantified"
CACHED = 64  # figures and row lists kept per process: a complete run never changes, so they stay right
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def _cached(key: tuple, compute):
    """``compute()`` once per key (a run's path and the filters), the least recently used dropped."""
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = compute()
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHED:
            _CACHE.popitem(last=False)
    return value


def _figures(run, district: str | None, industry: str | None) -> dict[str, dict]:
    """Every measure's figures in the district / industry (one query per run and filter)."""
    if district == NOWHERE:
        return {}
    ids = [m["id"] for m in run.manifest["measures"] if m["enterprise_benefit"]]
    return _cached((str(run.path), "figures", district, industry),
                   lambda: run_lists.measure_figures(run, ids, district, industry))


def _population(run, district: str | None) -> int:
    if district == NOWHERE:
        return 0
    return _cached((str(run.path), "population", district), lambda: run_lists.population(run, district))


def _rows(run, measure_id: str, district: str | None, industry: str | None) -> list[dict]:
    """One measure's eligible enterprises in the district / industry, largest amount first."""
    return _cached((str(run.path), "rows", measure_id, district, industry),
                   lambda: run_lists.measure_lists(run, [measure_id], district, industry)
                   .get(measure_id, {"rows": []})["rows"])


@dataclass
class MeasureLine:
    measure_id: str
    title: str
    document: str
    document_label: str
    units: list[str]
    count: int  # eligible enterprises in the district / industry
    bucket: str  # the kind of money of its decided results: certain, up_to, relief … or unquantified
    decided: int  # amount known, nothing left to a unit's judgement
    total: Decimal | None  # their sum (a range's upper end for 最高可达); None: no money stated
    pending: int  # 待认定: an open criterion or an amount that needs a missing fact
    pending_known: Decimal | None  # what is known of the pending amounts

    @property
    def kind_label(self) -> str:
        return GROUP_ZH[self.bucket]


@dataclass
class Listing:
    as_of: date
    district: str | None  # None: the whole city
    population: int  # enterprises of the run in that district
    lines: list[MeasureLine]  # this page
    matched: int  # measures matching the filters (every page)
    page: int
    pages: int
    filters: dict[str, str] = field(default_factory=dict)

    def by_document(self) -> list[tuple[str, list[MeasureLine]]]:
        """This page's lines under their documents, in the order they come."""
        groups: dict[str, list[MeasureLine]] = {}
        for line in self.lines:
            groups.setdefault(line.document_label, []).append(line)
        return list(groups.items())


@dataclass
class EnterpriseRow:
    uscc: str
    name: str
    region_code: str | None
    special_zone: str | None
    industry_code: str | None
    bucket: str  # certain, up_to, relief …, pending or unquantified
    amount: Decimal | None  # in its bucket; None: not stated, or 待认定 without a known part
    floor: bool  # only the known part of an amount (at least this much)

    @property
    def area(self) -> str:
        """The special zone the enterprise is in, else its district (a code)."""
        return run_lists.area_of(self.region_code, self.special_zone)


@dataclass
class EnterprisePage:
    line: MeasureLine
    rows: list[EnterpriseRow]
    page: int
    pages: int


def listing(run, policies, scope: Scope, *, query: str = "", measure: str | None = None, region: str | None = None,
            industry: str | None = None, page: int = 1, per_page: int = 20, titles=None) -> Listing:
    """The measures of ``scope`` matching the filters, most eligible enterprises first, grouped by
    document (documents with most eligible enterprises first). Measures nobody qualifies for are
    left out unless asked for by name or search. ``titles``: document key → (title, 文号)."""
    titles = titles or {}
    district = district_for(scope, region)
    industry = (industry or "").strip().upper() or None
    measures = [m for m in visible_measures(policies, scope) if not measure or m.id == measure]
    words = query.split()
    if words:
        measures = [m for m in measures if _matches(m, words, titles)]
    figures = _figures(run, district, industry)
    lines = [_line(m, figures.get(m.id), titles) for m in measures if m.id in figures or measure or words]
    per_document: dict[str, int] = {}
    for line in lines:
        per_document[line.document] = per_document.get(line.document, 0) + line.count
    lines.sort(key=lambda x: (-per_document[x.document], x.document, -x.count, x.measure_id))
    pages = max(1, math.ceil(len(lines) / per_page))
    page = min(max(1, page), pages)
    population = _population(run, district)
    return Listing(run.as_of, district, population, lines[(page - 1) * per_page: page * per_page], len(lines), page,
                   pages, {"query": query, "measure": measure or "", "region": region or "", "industry": industry or ""})


def enterprises(run, policies, scope: Scope, measure_id: str, *, region: str | None = None,
                industry: str | None = None, page: int = 1, per_page: int | None = 50, titles=None) -> EnterprisePage | None:
    """One measure's eligible enterprises (largest amount first), ``per_page`` at a time (None: all);
    None when the measure is not ``scope``'s."""
    found = next((m for m in visible_measures(policies, scope) if m.id == measure_id), None)
    if found is None:
        return None
    district = district_for(scope, region)
    industry = (industry or "").strip().upper() or None
    line = _line(found, _figures(run, district, industry).get(measure_id), titles or {})
    pages = max(1, math.ceil(line.count / per_page)) if per_page else 1
    page = min(max(1, page), pages)
    rows = []
    if line.count:
        every = _rows(run, measure_id, district, industry)
        start = (page - 1) * per_page if per_page else 0
        rows = [_row(found, r) for r in (every[start:start + per_page] if per_page else every)]
    return EnterprisePage(line, rows, page, pages)


def _matches(m, words: list[str], titles) -> bool:
    text = " ".join([m.id, m.title, m.benefit, *m.responsible_units, document_label(m.document, titles)]).casefold()
    return all(w.casefold() in text for w in words)


def _money_kind(m) -> tuple[str | None, str]:
    amount_kind = m.amount.kind if m.amount else None
    return amount_kind, bucket(m.kind, amount_kind, True, False, False)


def _line(m, figures: dict | None, titles) -> MeasureLine:
    figures = figures or {"count": 0, "decided": 0, "amount": None, "upper": None, "pending": 0, "pending_known": None}
    amount_kind, kind = _money_kind(m)
    total = None
    if kind != NOT_PAYABLE:
        total = figures["upper"] if amount_kind == "range" else figures["amount"]
        total = Decimal(total) if total is not None else None  # nothing decided: no sum, never 0
    pending = figures["pending"] if kind != NOT_PAYABLE else 0
    known = figures["pending_known"]
    return MeasureLine(m.id, m.title, m.document, document_label(m.document, titles), list(m.responsible_units),
                       figures["count"], kind, figures["decided"] if kind != NOT_PAYABLE else figures["count"], total,
                       pending, Decimal(known) if known is not None and pending else None)


def _row(m, r: dict) -> EnterpriseRow:
    amount_kind = m.amount.kind if m.amount else None
    kind = bucket(m.kind, amount_kind, r["amount"] is not None, r["least"] is not None, bool(r["open"]))
    value = r["amount"]
    if kind == "up_to" and amount_kind == "range" and r["upper"] is not None:
        value = r["upper"]
    floor = value is None and r["least"] is not None and kind == "pending"
    if floor:
        value = r["least"]
    if kind == NOT_PAYABLE:
        value = None
    return EnterpriseRow(r["uscc"], r["name"], r["region_code"], r["special_zone"], r["industry_code"], kind,
                         Decimal(value) if value is not None else None, floor)


def every_enterprise(run, policies, scope: Scope, *, query: str = "", measure: str | None = None,
                     region: str | None = None, industry: str | None = None, titles=None) -> list[EnterprisePage]:
    """Every enterprise of every measure matching the filters (what an export holds)."""
    found = listing(run, policies, scope, query=query, measure=measure, region=region, industry=industry,
                    per_page=100_000, titles=titles)
    pages = [enterprises(run, policies, scope, line.measure_id, region=region, industry=industry, per_page=None,
                         titles=titles) for line in found.lines]
    return [p for p in pages if p is not None]


def export_filename(pages: list[EnterprisePage], day: date) -> str:
    """推送名单_<措施>_<日期>.xlsx for one measure, 推送名单_<n>项措施_<日期>.xlsx for several."""
    what = pages[0].line.title if len(pages) == 1 else f"{len(pages)}项措施"
    what = re.sub(r'[\\/:*?"<>|\s]+', "", what)[:40] or "措施"
    return f"推送名单_{what}_{day.isoformat()}.xlsx"
