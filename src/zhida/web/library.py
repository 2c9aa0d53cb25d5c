"""The policy library as the web shows it: document lists with filters, clause trees, search.

Reads through the store's own functions (catalog, search); only the filters the store does
not offer (title/issuer/unit/beneficiary on the document list) are added here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from opencc import OpenCC
from sqlalchemy import select

from zhida.errors import ZhidaError
from zhida.store import search as store_search
from zhida.store.catalog import _like_escape, list_documents, show_document
from zhida.store.database import Store
from zhida.store.schema import ClauseRow, Document, DocumentVersion
from zhida.store.tokens import query_terms, simplified_forms
from zhida.web.errors import Invalid, NotFound

MAX_SEARCH_RESULTS = 500  # the store ranks the top N; pages are cut from them
_s2t = OpenCC("s2t")
_t2s = OpenCC("t2s")


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(items: list[Any], page: int, per_page: int) -> Page:
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], len(items), page, per_page)


# --- documents --------------------------------------------------------------------------

def _documents_with_clauses_matching(store: Store, column, value: str) -> set[str]:
    pattern = "%" + _like_escape(_t2s.convert(value.strip())) + "%"
    with store.sessions() as session:
        return set(
            session.scalars(
                select(Document.key)
                .join(DocumentVersion, DocumentVersion.document_id == Document.id)
                .join(ClauseRow, ClauseRow.version_id == DocumentVersion.id)
                .where(DocumentVersion.version == Document.current_version, column.like(pattern, escape="\\"))
                .distinct()
            ).all()
        )


def documents(
    store: Store,
    *,
    q: str | None = None,
    issuer: str | None = None,
    unit: str | None = None,
    beneficiary: str | None = None,
) -> list[dict[str, Any]]:
    """Current documents, filtered: q in title/文号/key; issuer substring; a clause naming the
    responsible unit or beneficiary (ancestors' lists included, as the store denormalizes them)."""
    rows = list_documents(store)
    if q and q.strip():
        needles = {q.strip().lower(), _t2s.convert(q.strip()).lower(), _s2t.convert(q.strip()).lower()}
        rows = [
            r for r in rows
            if any(n in " ".join(filter(None, (r["title"], r["doc_number"], r["key"]))).lower() for n in needles)
        ]
    if issuer and issuer.strip():
        wanted = {issuer.strip(), _t2s.convert(issuer.strip()), _s2t.convert(issuer.strip())}
        rows = [r for r in rows if r["issuer"] and any(w in r["issuer"] for w in wanted)]
    if unit and unit.strip():
        keys = _documents_with_clauses_matching(store, ClauseRow.units, unit)
        rows = [r for r in rows if r["key"] in keys]
    if beneficiary and beneficiary.strip():
        keys = _documents_with_clauses_matching(store, ClauseRow.beneficiaries, beneficiary)
        rows = [r for r in rows if r["key"] in keys]
    return rows


def document(store: Store, ref: str) -> dict[str, Any]:
    try:
        return show_document(store, ref)
    except ZhidaError as exc:
        raise NotFound(_no_document(exc), field="document") from exc


def walk(clauses: list[dict], parents: tuple[dict, ...] = ()):
    """Every clause dict of a tree with its ancestors, depth first."""
    for clause in clauses:
        yield clause, parents
        yield from walk(clause.get("children", []), (*parents, clause))


def all_clauses(doc: dict[str, Any]) -> list[tuple[dict, tuple[dict, ...]]]:
    found = []
    if doc.get("preamble"):
        found.append((doc["preamble"], ()))
    found.extend(walk(doc.get("clauses", [])))
    if doc.get("closing"):
        found.append((doc["closing"], ()))
    return found


def clause(doc: dict[str, Any], clause_id: str) -> tuple[dict, tuple[dict, ...]]:
    for item, parents in all_clauses(doc):
        if item["id"] == clause_id:
            return item, parents
    raise NotFound("此文件中没有该条款，请从文件的条款目录进入", field="clause_id")


def flat_fields(clause_dict: dict[str, Any]) -> dict[str, Any]:
    """A clause without its children (for JSON answers and the clause page)."""
    return {k: v for k, v in clause_dict.items() if k != "children"}


# --- search -----------------------------------------------------------------------------

def check_query(q: str | None) -> str:
    q = (q or "").strip()
    if not q:
        raise Invalid("请输入检索词", field="q")
    if len(q) > 200:
        raise Invalid("检索词过长（最多200字）", field="q")
    if not query_terms(q):
        raise Invalid("检索词须包含汉字、字母或数字", field="q")
    return q


def search(store: Store, q: str, *, doc: str | None, unit: str | None, beneficiary: str | None,
           page: int, per_page: int) -> Page:
    q = check_query(q)
    limit = min(MAX_SEARCH_RESULTS, page * per_page)
    try:
        hits = store_search(store, q, doc=doc or None, unit=unit or None, beneficiary=beneficiary or None,
                            limit=limit)
    except ZhidaError as exc:
        if doc and exc.where == doc:
            raise NotFound(_no_document(exc), field="doc") from exc
        raise Invalid(exc.reason, field="q") from exc
    result = paginate(hits, page, per_page)
    # The store cut at `limit`; a full page at the cut means there may be more behind it.
    if len(hits) == limit and limit < MAX_SEARCH_RESULTS:
        result.total = limit + 1
    return result


def highlight_segments(text: str, spans: list[tuple[int, int]] | None, q: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_hit) for templates to mark up safely (autoescaped pieces).

    The store's spans are used when they index ``text`` directly; otherwise (a clause whose
    simplified text differs in length) the query terms are matched again in both scripts.
    """
    if spans is None:
        variants: set[str] = set()
        for term in query_terms(q):
            for form in simplified_forms(term):
                variants.update({form, _s2t.convert(form)})
        variants.discard("")
        if not variants:
            return [(text, False)]
        pattern = re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)), re.I)
        spans = [m.span() for m in pattern.finditer(text)]
    segments, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor or end > len(text):
            continue
        if start > cursor:
            segments.append((text[cursor:start], False))
        segments.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], False))
    return segments


def snippet_segments(text: str, segments: list[tuple[str, bool]], around: int = 40, length: int = 160):
    """A window of the highlighted text around its first hit, as segments (ellipses added)."""
    flat = " ".join(text.split())
    if len(flat) != len(text):  # collapse whitespace in every piece consistently
        segments = [(" ".join(piece.split()) if piece.strip() else " ", hit) for piece, hit in segments]
    first, offset = 0, 0
    for piece, hit in segments:
        if hit:
            first = offset
            break
        offset += len(piece)
    lo = max(0, first - around)
    hi = lo + length
    out, offset = [], 0
    for piece, hit in segments:
        a, b = offset, offset + len(piece)
        offset = b
        if b <= lo or a >= hi:
            continue
        out.append((piece[max(0, lo - a) : min(len(piece), hi - a)], hit))
    if lo > 0:
        out.insert(0, ("…", False))
    if offset > hi:
        out.append(("…", False))
    return out


def _no_document(exc: ZhidaError) -> str:
    """One Chinese line for a document reference that names no single document (the store's reason
    speaks to CLI users and is not shown)."""
    if "ambiguous" in exc.reason or "shared" in exc.reason:
        return "该编号或文号对应多份政策文件，请在政策库中选择"
    return "该政策文件不存在，请在政策库中查找"
