"""Benefit spans: coverage counts benefits, not clauses (issue 9 §3).

A leaf clause often gives several benefits in several sentences (002 1.5.8: a 0.5% guarantee fee
AND a fee waiver for 创业担保 projects); one measure on one of them must not mark the clause
"encoded". This module cuts every leaf clause into sentences (。；), keeps the *benefit-giving*
ones — a sentence with a benefit cue (给予/补贴/奖励/减免/免征/缓缴/贴息/担保/服务…) that is not
about a 责任单位 line — and says for each whether a measure quotes it (its source quotes overlap the
sentence), or the clause carries a ``not_encoded`` reason (the reason then covers its sentences
without a measure), or neither (``open``).

Matching is on whitespace-free text in the simplified script (004 is traditional), so quotes and
sentences compare as the loader compares quotes. Cue words are deliberately broad: a government
task that says 支持 is listed too, and is explained by its clause's ``not_encoded`` reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhida.rules.sources import squash

# benefit cues (simplified script): money, tax and fee relief, deferral, guarantee, services, status
CUES = re.compile(
    "给予|补贴|补助|奖励|资助|贴息|减免|免征|减征|免收|免除|减半|退还|退税|返还|缓缴|延缓|暂停预缴|延期还本|"
    "担保|保险|保函|扣除|加计|摊销|顺延|豁免|优惠|不加价|服务包|管家式|服务专员|全过程服务|咨询服务|信息支持|"
    "信息查询|绿色通道|要素保障|白名单|资源库|储备库|培育库|给予支持|予以支持|支持资金|资金支持|开拓国际市场")
_SENTENCE = re.compile(r"[^。；;]+[。；;]?")
_UNITS = re.compile(r"[（(]责任单位[:：][^）)]*[）)]")
_MIN_OVERLAP = 6  # characters a quote must share with a sentence to count as quoting it
# a clause's heading sentence: "8．落实…政策。", "（六）实施…。", "十一、加大…" — a title, not a benefit
_HEADING = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


@dataclass
class Span:
    document: str
    clause: str
    index: int  # sentence number within the clause (0-based)
    text: str  # the sentence as printed (original script)
    status: str  # encoded | not_encoded | open
    measures: list[str]
    reason: str | None = None


def _simplified(text: str) -> str:
    try:
        from zhida.documents.script import to_simplified

        return to_simplified(text)[0]
    except Exception:  # noqa: BLE001 - without opencc the simplified seeds still work
        return text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each of ``sentences(text)`` lies in ``text`` (its 责任单位 parentheses included)."""
    blanked = _UNITS.sub(lambda m: " " * len(m.group(0)), text)
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(blanked) if m.group(0).strip(" 。；;")]


def sentences(text: str) -> list[str]:
    """The sentences of a clause, 责任单位 parentheses removed."""
    return [_UNITS.sub("", text[a:b]).strip() for a, b in sentence_spans(text)]


def is_benefit(sentence: str) -> bool:
    return bool(CUES.search(_simplified(sentence)))


def is_heading(index: int, sentence: str) -> bool:
    """A clause's short first sentence after its label ("8．落实…政策。") is its title, not a benefit."""
    return index == 0 and bool(_HEADING.match(sentence)) and len(squash(sentence)) <= 40


def located_in(located, start: int, length: int) -> bool:
    return any(_overlap(q, (start, start + length)) > 0 for _, q in located)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def clause_spans(policies, document: str, clause: str, quotes: dict[str, list[str]], reason: str | None,
                 span_reasons: list[tuple[str, str]] = ()) -> list[Span]:
    """Benefit spans of one leaf clause. ``quotes``: measure id → its quotes in this clause;
    ``reason``: the clause's not_encoded reason; ``span_reasons``: (words, reason) of not_encoded
    entries for one sentence of it."""
    text = policies.library.get(document).clause_text(clause, f"{document} {clause}")
    flat = squash(text)
    located = []
    for mid, qs in quotes.items():
        for q in qs:
            at = flat.find(squash(q))
            if at >= 0:
                located.append((mid, (at, at + len(squash(q)))))
    spans, cursor = [], 0
    for i, sentence in enumerate(sentences(text)):
        flat_s = squash(sentence)
        start = flat.find(flat_s, cursor)
        if start < 0:
            start = flat.find(flat_s)
        cursor = max(cursor, start + len(flat_s)) if start >= 0 else cursor
        if not is_benefit(sentence) or (i == 0 and _HEADING.match(sentence) and len(flat_s) <= 40
                                         and not located_in(located, start, len(flat_s))):
            continue
        where = (start, start + len(flat_s)) if start >= 0 else (0, 0)
        measures = sorted({mid for mid, q in located
                           if _overlap(q, where) >= min(_MIN_OVERLAP, q[1] - q[0], where[1] - where[0])
                           and _overlap(q, where) > 0})
        why = reason or next((r for words, r in span_reasons if squash(words) in flat_s or flat_s in squash(words)), None)
        status = "encoded" if measures else ("not_encoded" if why else "open")
        spans.append(Span(document, clause, i, sentence, status, measures, None if measures else why))
    return spans


def benefit_spans(policies) -> list[Span]:
    """Every benefit-giving sentence span of every leaf clause, with its status."""
    quotes: dict[tuple[str, str], dict[str, list[str]]] = {}
    for m in policies.measures.values():
        for s in m.sources:
            doc = policies.library.get(s.document)
            for leaf in doc.leaves_under.get(s.clause) or [s.clause]:
                quotes.setdefault((s.document, leaf), {}).setdefault(m.id, []).append(s.quote)
    reasons = {(n.document, n.clause): n.reason for n in policies.not_encoded if n.span is None}
    by_span: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for n in policies.not_encoded:
        if n.span is not None:
            by_span.setdefault((n.document, n.clause), []).append((n.span, n.reason))
    out: list[Span] = []
    for key in policies.library.keys():
        doc = policies.library.get(key)
        for leaf in doc.leaf_ids or []:
            out += clause_spans(policies, key, leaf, quotes.get((key, leaf), {}), reasons.get((key, leaf)),
                                by_span.get((key, leaf), []))
    return out


def span_counts(spans: list[Span]) -> dict[str, int]:
    return {"spans": len(spans), "encoded": sum(s.status == "encoded" for s in spans),
            "not_encoded": sum(s.status == "not_encoded" for s in spans),
            "open": sum(s.status == "open" for s in spans)}
