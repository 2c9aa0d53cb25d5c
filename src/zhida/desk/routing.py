"""Routing suggestion: for a request's text, the responsible units, ranked, each with its evidence.

Two sources of evidence, added up per unit (canonical names, ``units``):

- **clauses**: the request's weighted terms (``query``) rank every clause of the corpus (BM25 over
  the clause index, any term may match); for each of the best clauses (score at least
  ``MIN_RELATIVE`` of the best) the units of the list covering the quoted sentence count
  ``relative score × position weight × unit weight`` — the lead (first-listed) unit most
  (``1 / (1 + POSITION × rank)``), territorial units (各区政府) less, generic ones not at all;
- **派单目录** (``catalogue``): each category whose keywords occur in the request adds
  ``CATALOGUE × position weight`` to its units.

A unit's score is its share of all the points (the shares of every suggested unit add up to at
most 1). Everything shown comes from the corpus or the catalogue: the quotes are substrings of
the clauses, the citations are ``zhida.documents.citation``'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from zhida.desk import catalogue, query
from zhida.desk.evidence import Evidence, from_hit
from zhida.desk.units import table
from zhida.errors import ZhidaError
from zhida.store.database import Store
from zhida.store.schema import Document, DocumentVersion
from zhida.store.search import search_any
from zhida.store.tokens import query_terms

CLAUSES = 8  # clauses read per request
MIN_RELATIVE = 0.35  # a clause scoring less than this share of the best one is not evidence
POSITION = 0.5  # the n-th unit of a list (0 = lead) weighs 1 / (1 + POSITION × n)
CATALOGUE = 1.0  # points a matching 派单目录 category gives its lead unit
MAX_TEXT = 2000  # characters of request text read


@dataclass
class CategoryMatch:
    name: str
    keywords: list[str]
    units: list[str]
    sources: list[str]

    def to_json(self) -> dict:
        return {"name": self.name, "keywords": self.keywords, "units": self.units, "sources": self.sources}


@dataclass
class UnitSuggestion:
    unit: str
    score: float  # share of the points, 0–1
    evidence: list[Evidence] = field(default_factory=list)  # clauses naming this unit, best first
    categories: list[str] = field(default_factory=list)  # 派单目录 categories naming it

    def to_json(self) -> dict:
        return {"unit": self.unit, "score": self.score, "categories": self.categories,
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass
class RouteSuggestion:
    text: str
    units: list[UnitSuggestion]
    clauses: list[Evidence]
    categories: list[CategoryMatch]

    def to_json(self) -> dict:
        return {"text": self.text, "units": [u.to_json() for u in self.units],
                "clauses": [c.to_json() for c in self.clauses],
                "categories": [c.to_json() for c in self.categories]}


def _position(rank: int) -> float:
    return 1.0 / (1.0 + POSITION * rank)


def check_text(text: str | None) -> str:
    """The request text, stripped; a one-line Chinese error naming the field when it is unusable."""
    value = (text or "").strip()
    if not value or not query_terms(value):
        raise ZhidaError("诉求内容", "不能为空，且须含有文字")
    if len(value) > MAX_TEXT:
        raise ZhidaError("诉求内容", f"超过 {MAX_TEXT} 字，请摘要后再提交")
    return value


def evidence_for(store: Store, text: str, limit: int = CLAUSES, *, expand: bool = True) -> list[Evidence]:
    """The clauses a request touches, best first, each with its quote, citation and units
    (``expand=False``: bigrams only, no 派单目录 keywords or synonyms — for measuring)."""
    weighted = query.terms(text, expand=expand)
    hits = search_any(store, weighted, limit=limit)
    if not hits:
        return []
    numbers = _doc_numbers(store, {hit.document for hit in hits})
    weights = dict(weighted)
    top = hits[0].score or 1.0
    return [
        from_hit(hit, numbers.get(hit.document), weights, hit.score / top)
        for hit in hits
        if hit.score / top >= MIN_RELATIVE
    ]


def suggest(store: Store, text: str, *, limit: int = 5, clauses_only: bool = False,
            catalogue_only: bool = False) -> RouteSuggestion:
    """The ranked units for ``text``. ``clauses_only`` / ``catalogue_only`` switch one source of
    evidence off (the benchmark's ablations); the desk uses both."""
    text = check_text(text)
    clauses = [] if catalogue_only else evidence_for(store, text, expand=not clauses_only)
    names = table()
    points: dict[str, float] = defaultdict(float)
    cited: dict[str, list[Evidence]] = defaultdict(list)
    for evidence in clauses:
        for rank, unit in enumerate(evidence.units):
            points[unit] += evidence.score * _position(rank) * names.weight(unit)
            cited[unit].append(evidence)
    matched = [] if clauses_only else catalogue.matching(query.simplified(text))
    named: dict[str, list[str]] = defaultdict(list)
    for category, _ in matched:
        for rank, unit in enumerate(category.units):
            points[unit] += CATALOGUE * _position(rank) * names.weight(unit)
            named[unit].append(category.name)
    total = sum(points.values()) or 1.0
    ranked = sorted(points.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return RouteSuggestion(
        text=text,
        units=[UnitSuggestion(unit, round(score / total, 3), cited[unit], named[unit]) for unit, score in ranked],
        clauses=clauses,
        categories=[CategoryMatch(c.name, keywords, list(c.units), list(c.sources)) for c, keywords in matched],
    )


def _doc_numbers(store: Store, keys: set[str]) -> dict[str, str | None]:
    with store.sessions() as session:
        rows = session.execute(
            select(Document.key, DocumentVersion.doc_number)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(Document.key.in_(keys), DocumentVersion.version == Document.current_version)
        ).all()
    return {key: number for key, number in rows}
