"""One clause as evidence for a request: its citation, the sentence quoted and that sentence's units.

The quote is the clause's sentence (split at 。；！？ and line ends) that holds the most of the
request's terms, weighted — an exact substring of the clause text, never rewritten. The units are
those of the responsible-unit list that covers the quoted sentence (a clause like 004's lists
units after each sentence: 设立企业上市服务专员…(市金融监管局,市经济和信息化局)); when no list
covers it, the clause's own (or inherited) units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhida.desk.units import table
from zhida.documents.citation import cite, simplified
from zhida.documents.extract.units import extract_units
from zhida.store.search import SearchHit

SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
MIN_QUOTE = 6  # characters: a shorter piece (a label alone) is joined to the next
SHORT_QUOTE = 20  # characters: a quote this short (a heading sentence) runs on to the next sentence


@dataclass
class Evidence:
    document: str
    clause_id: str
    citation: str  # 《短标题》（文号）第三条（八）
    quote: str  # a substring of ``text``
    text: str  # the whole clause text (as stored)
    units: list[str]  # canonical names, lead unit first; generic ones left out
    score: float  # relative to the best clause of this request: 1.0 is the best
    terms: list[str] = field(default_factory=list)  # request terms found in the quote

    def to_json(self) -> dict:
        return {"document": self.document, "clause_id": self.clause_id, "citation": self.citation,
                "quote": self.quote, "units": self.units, "score": self.score, "terms": self.terms}


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of ``text``, surrounding spaces excluded."""
    spans = []
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] - merged[-1][0] < MIN_QUOTE:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def quote_of(text: str, weights: dict[str, float]) -> tuple[int, int, list[str]]:
    """The best sentence of ``text`` for the weighted terms: (start, end, terms found in it)."""
    spans = sentences(text) or [(0, len(text))]
    best, best_score, at = (0, len(text), []), -1.0, 0
    for i, (start, end) in enumerate(spans):
        plain = simplified(text[start:end]).lower()
        found = [term for term in weights if term in plain]
        # distinct terms, weighted; a longer term found counts more than its bigrams alone
        score = sum(weights[t] * max(1, len(t) - 1) for t in found)
        if score > best_score:
            best, best_score, at = (start, end, found), score, i
    start, end, found = best
    if end - start < SHORT_QUOTE and at + 1 < len(spans):  # 12．加大留抵退税政策落实力度。 + what it says
        end = spans[at + 1][1]
    return start, end, found


def units_for(text: str, start: int, end: int, fallback: list[str]) -> list[str]:
    """The units of the list covering text[start:end] (offsets in the clause text), canonical."""
    plain = simplified(text)
    lists = extract_units(plain) if len(plain) == len(text) else []
    chosen: list[str] | None = None
    for found in lists:
        if found.sentence_start <= start < found.end or start <= found.sentence_start < end:
            chosen = list(found.units)
            break
    if chosen is None:
        chosen = [unit for found in lists for unit in found.units] or fallback
    names = table()
    out: list[str] = []
    for unit in chosen:
        name = names.canonical(unit)
        if names.weight(name) > 0 and name not in out:
            out.append(name)
    return out


def from_hit(hit: SearchHit, doc_number: str | None, weights: dict[str, float], relative: float) -> Evidence:
    start, end, found = quote_of(hit.text, weights)
    return Evidence(
        document=hit.document,
        clause_id=hit.clause_id,
        citation=cite(hit.title, doc_number, hit.labels, hit.clause_id),
        quote=hit.text[start:end],
        text=hit.text,
        units=units_for(hit.text, start, end, hit.responsible_units),
        score=round(relative, 3),
        terms=found,
    )
