"""Chinese full-text search over the current version of every document's clauses.

Terms are AND-ed; each term matches as an exact substring of the clause's simplified text,
whatever script the query or source was written in. Every matching clause is ranked (BM25 in
the tantivy index, ``search_index``, the same on both back ends); the hits are then read from
the database and located again in Python for snippets and offsets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from opencc import OpenCC
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.store import search_sync
from zhida.store.catalog import resolve
from zhida.store.database import Store
from zhida.store.jsonable import jsonable
from zhida.store.schema import ClauseRow, Document, DocumentVersion
from zhida.store.tokens import query_terms, simplified_forms

SNIPPET_BEFORE = 24  # characters of context before the first hit
SNIPPET_LENGTH = 120


@dataclass
class SearchHit:
    document: str
    title: str | None
    version: int
    clause_id: str
    kind: str
    heading: str | None
    labels: list[str]
    text: str
    start: int
    end: int
    score: float  # higher is better; comparable within one result list only
    snippet: str  # hits in [brackets]
    snippet_html: str  # hits in <mark>, the rest HTML-escaped
    hits: list[tuple[int, int]]  # [start, end) in ``text`` (the clause in its own script)
    source_hits: list[tuple[int, int] | None]  # the same hits in the document's original text
    responsible_units: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return jsonable(self)


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def _simplify(value: str) -> str:
    return _t2s().convert(value)


def search(
    store: Store,
    query: str,
    *,
    doc: str | None = None,
    unit: str | None = None,
    beneficiary: str | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    terms = [simplified_forms(term) for term in query_terms(query)]
    if not terms:
        raise ZhidaError("search", f"query {query!r} has no letters, digits or Chinese characters")
    if limit < 1:
        raise ZhidaError("--limit", "must be at least 1")
    for option, value in (("--unit", unit), ("--beneficiary", beneficiary)):
        if value is not None and not query_terms(value):
            raise ZhidaError(option, f"{value!r} has no letters, digits or Chinese characters")
    with store.sessions() as session:
        version_id = None
        if doc is not None:
            document = resolve(session, doc)
            version_id = session.scalar(
                select(DocumentVersion.id).where(
                    DocumentVersion.document_id == document.id, DocumentVersion.version == document.current_version
                )
            )
        ranked = search_sync.index_for(store, session).top(
            terms,
            version_id=version_id,
            unit=_simplify(unit.strip()) if unit else None,
            beneficiary=_simplify(beneficiary.strip()) if beneficiary else None,
            limit=limit,
        )
        return _hits(session, ranked, [variant for variants in terms for variant in variants])


def search_any(store: Store, terms: list[tuple[str, float]], *, limit: int = 10) -> list[SearchHit]:
    """Clauses matching ANY of the weighted ``terms`` (term, boost), ranked by the sum of their
    boosted BM25 scores: free text (a request, a question), where ``search``'s AND of terms would
    find nothing. Hits and snippets as ``search``'s."""
    forms = [(simplified_forms(term), boost) for term, boost in terms if query_terms(term)]
    if not forms:
        return []
    with store.sessions() as session:
        ranked = search_sync.index_for(store, session).top_any(forms, limit=limit)
        return _hits(session, ranked, [variant for variants, _ in forms for variant in variants])


def _hits(session: Session, ranked: list, variants: list[str]) -> list[SearchHit]:
    if not ranked:
        return []
    ids = [row[0] for row in ranked]
    source_slice = func.substr(DocumentVersion.original, ClauseRow.start + 1, ClauseRow.end - ClauseRow.start)
    clause_rows = session.execute(
        select(ClauseRow, DocumentVersion.document_id, DocumentVersion.version, DocumentVersion.title, source_slice)
        .join(DocumentVersion, DocumentVersion.id == ClauseRow.version_id)
        .where(ClauseRow.id.in_(ids))
    ).all()
    # Documents separately: joined in, a PostgreSQL planner without statistics yet (right after a
    # bulk ingest) scanned every version instead of starting from the ten ids.
    documents = {
        id_: (key, current)
        for id_, key, current in session.execute(
            select(Document.id, Document.key, Document.current_version).where(
                Document.id.in_({document_id for _, document_id, *_ in clause_rows})
            )
        )
    }
    rows = {
        clause.id: (clause, documents[document_id][0], version, title, source)
        for clause, document_id, version, title, source in clause_rows
        if documents[document_id][1] == version  # not superseded since the index saw it
    }
    pattern = re.compile("|".join(re.escape(v) for v in sorted(set(variants), key=len, reverse=True)), re.IGNORECASE)
    hits = []
    for clause_id, score in ranked:
        if clause_id not in rows:  # the index had not caught up yet (its writer was busy elsewhere)
            continue
        clause, key, version, title, source = rows[clause_id]
        normalized = clause.normalized or clause.text
        found = _merge([m.span() for m in pattern.finditer(normalized)])
        spans = _to_text_offsets(clause.text, normalized, found, pattern)
        snippet, snippet_html = _snippet(clause.text, spans)
        hits.append(
            SearchHit(
                document=key,
                title=title,
                version=version,
                clause_id=clause.clause_id,
                kind=clause.kind,
                heading=clause.heading,
                labels=list(clause.labels),
                text=clause.text,
                start=clause.start,
                end=clause.end,
                score=round(float(score), 6),
                snippet=snippet,
                snippet_html=snippet_html,
                hits=spans,
                source_hits=_to_source_offsets(clause.text, source or "", clause.start, spans),
                responsible_units=[u for u in clause.units.split("|") if u],
                beneficiaries=_labels(clause.extraction.get("beneficiaries", [])),
            )
        )
    return hits


_CHAR_T2S: dict[str, str] = {}


def _per_char_simplified(text_: str) -> str:
    for ch in set(text_) - _CHAR_T2S.keys():
        converted = _t2s().convert(ch)
        _CHAR_T2S[ch] = converted if len(converted) == 1 else ch
    return "".join(map(_CHAR_T2S.__getitem__, text_))


def _to_text_offsets(
    text_: str, normalized: str, spans: list[tuple[int, int]], pattern: re.Pattern
) -> list[tuple[int, int]]:
    """Hits found in the simplified text, moved onto the clause text in its own script.

    Usually the two line up character for character. When a phrase conversion changed the
    length (網際網路 → 互联网), align a per-character simplification of the text with the
    normalized text and carry offsets across the matching blocks.
    """
    if len(text_) == len(normalized) or not spans:
        return spans
    # Fast path: a character-by-character simplification keeps the text's offsets, and the
    # typed query's own t2s form is among the variants, so most hits are found right there.
    per_char = _per_char_simplified(text_)
    direct = _merge([m.span() for m in pattern.finditer(per_char)])
    if len(direct) >= len(spans):
        return direct
    regions = _coarse_opcodes(SequenceMatcher(None, normalized, per_char, autojunk=False).get_opcodes())

    def move(offset: int, is_end: bool) -> int:
        for tag, i1, i2, j1, j2 in regions:
            if i1 <= offset < i2 or (is_end and i1 < offset <= i2):
                if tag == "equal":
                    return j1 + offset - i1
                return j2 if is_end else j1  # inside a converted phrase: take the whole phrase
        return len(text_)

    moved = []
    for start, end in spans:
        new_start = move(start, False)
        moved.append((new_start, max(move(end, True), new_start + 1)))
    return _merge(moved)


def _coarse_opcodes(opcodes: list[tuple]) -> list[tuple]:
    """Fold a lone equal character between two changes into one change (网 in 互联网 ↔ 网际网路)."""
    merged: list[list] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
            continue
        merged.append([tag, i1, i2, j1, j2])
        if len(merged) >= 3 and merged[-2][0] == "equal" and merged[-2][2] - merged[-2][1] == 1 \
                and merged[-3][0] != "equal" and tag != "equal":
            last, _, first = merged.pop(), merged.pop(), merged[-1]
            first[0], first[2], first[4] = "replace", last[2], last[4]
    return [tuple(region) for region in merged]


def _to_source_offsets(text_: str, source: str, base: int, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Hits as offsets into ParsedDocument.original (the clause's slice of it starts at ``base``)."""
    if source == text_:
        return [(base + start, base + end) for start, end in spans]
    # Furniture was cut out of the clause text: find each hit's characters in the source slice.
    located: list[tuple[int, int] | None] = []
    cursor = 0
    for start, end in spans:
        at = source.find(text_[start:end], cursor)
        located.append(None if at < 0 else (base + at, base + at + end - start))
        cursor = at + 1 if at >= 0 else cursor
    return located


def _labels(beneficiaries: list[dict]) -> list[str]:
    return list(dict.fromkeys(b.get("label") or b.get("text") for b in beneficiaries))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _snippet(display: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    # The window (starting a little before some hit) that shows the most different hit words.
    def variety(start: int) -> int:
        lo = max(0, start - SNIPPET_BEFORE)
        return len({display[s:e] for s, e in spans if s >= lo and e <= lo + SNIPPET_LENGTH})

    first = max((start for start, _ in spans), key=lambda start: (variety(start), -start), default=0)
    lo = max(0, first - SNIPPET_BEFORE)
    hi = min(len(display), lo + SNIPPET_LENGTH)
    plain, marked, cursor = [], [], lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        plain.append(display[cursor:start] + "[" + display[start:end] + "]")
        marked.append(html.escape(display[cursor:start]) + "<mark>" + html.escape(display[start:end]) + "</mark>")
        cursor = end
    plain.append(display[cursor:hi])
    marked.append(html.escape(display[cursor:hi]))
    prefix, suffix = ("…" if lo > 0 else ""), ("…" if hi < len(display) else "")
    clean = lambda s: " ".join(s.split())  # noqa: E731 - newlines inside clauses would break one-line output
    return prefix + clean("".join(plain)) + suffix, prefix + clean("".join(marked)) + suffix
