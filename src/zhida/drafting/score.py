"""Drafts against reviewed measures: which benefits the drafts found, and which drafts need no edit.

A reviewed measure is *found* when a draft of its document quotes a sentence its own source quote
overlaps (at least 6 characters, whitespace-free, as ``zhida coverage`` pairs quotes and
sentences). Each found measure is paired with the overlapping draft that agrees with it on most
fields; per field the pair either agrees (no edit) or not:

- kind, beneficiary, application, jurisdiction (as a set), period (from, to), responsible units
  (as a set);
- conditions: the quantified conditions as a set of canonical SQL, and as many open criteria;
- amount: kind and every one of expr / cap / floor / upper in canonical SQL (none = none).

"Conditions and amount need no edit" is both of the last two. A draft that overlaps no reviewed
measure is *extra* — a sentence reviewers left out (``not_encoded``) or one more benefit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from zhida.rules.sources import squash

FIELDS = ("kind", "beneficiary", "application", "jurisdiction", "period", "responsible_units", "conditions",
          "open_criteria", "amount")
MIN_OVERLAP = 6


@dataclass
class Scores:
    reviewed: int = 0
    found: int = 0
    drafts: int = 0
    extra: int = 0  # drafts overlapping no reviewed measure
    valid: int = 0  # drafts the loader accepts (open fields stood in)
    no_edit: int = 0  # paired drafts whose conditions and amount both agree
    fields: Counter = field(default_factory=Counter)  # field → paired drafts agreeing on it
    per_document: dict = field(default_factory=dict)  # key → (reviewed, found, drafts)
    misses: list[str] = field(default_factory=list)

    @property
    def found_share(self) -> float:
        return self.found / self.reviewed if self.reviewed else 0.0

    @property
    def no_edit_share(self) -> float:
        return self.no_edit / self.found if self.found else 0.0


def _sql(node) -> str | None:
    return None if node is None else node.sql(dialect="duckdb")


def canonical(measure) -> dict:
    """The fields compared, from a loaded ``zhida.rules.model.Measure``."""
    quantified = sorted(_sql(c.ast) for c in measure.conditions if "open." not in (c.expr or ""))
    a = measure.amount
    amount = None if a is None else (a.kind, _sql(a.expr), _sql(a.cap), _sql(a.floor), _sql(a.upper))
    if amount is not None and a.kind == "not_stated":
        amount = ("not_stated",)
    return {
        "kind": measure.kind, "beneficiary": measure.beneficiary, "application": measure.application,
        "jurisdiction": tuple(sorted(measure.jurisdiction)),
        "period": (measure.period.start, measure.period.end),
        "responsible_units": tuple(sorted(set(measure.responsible_units))),
        "conditions": tuple(quantified), "open_criteria": len(measure.open_criteria), "amount": amount,
    }


def _quotes(measure, key: str) -> list[str]:
    return [squash(s.quote) for s in measure.sources if s.document == key]


def _overlaps(quote: str, sentence: str) -> bool:
    if quote in sentence or sentence in quote:
        return True
    # longest common substring ≥ MIN_OVERLAP, by sliding windows of the shorter
    short, long_ = (quote, sentence) if len(quote) < len(sentence) else (sentence, quote)
    return any(short[i:i + MIN_OVERLAP] in long_ for i in range(0, max(1, len(short) - MIN_OVERLAP + 1)))


def score(policies, drafted: dict[str, list], checked: dict[str, object]) -> Scores:
    """``drafted``: document key → drafts (``zhida.drafting.draft.Draft``); ``checked``: draft id →
    ``zhida.drafting.validate.Checked``. Reviewed measures: those of ``policies`` for those keys
    whose beneficiary is an enterprise-side one (docs/measures.md)."""
    out = Scores()
    for key, drafts in drafted.items():
        sentences = [(d, squash(d.sentence)) for d in drafts]
        reviewed = [m for m in policies.measures.values() if m.document == key and m.enterprise_benefit]
        paired_drafts: set[str] = set()
        found_here = 0
        for m in reviewed:
            out.reviewed += 1
            quotes = _quotes(m, key)
            candidates = [d for d, s in sentences if any(_overlaps(q, s) for q in quotes)]
            if not candidates:
                out.misses.append(f"{m.id}（{m.sources[0].clause}）")
                continue
            out.found += 1
            found_here += 1
            want = canonical(m)
            best, best_agree = None, -1
            for d in candidates:
                c = checked.get(d.id)
                if c is None or c.measure is None:
                    continue
                got = canonical(c.measure)
                agree = {f for f in FIELDS if got[f] == want[f] and not (f in c.open_fields)}
                if len(agree) > best_agree:
                    best, best_agree = agree, len(agree)
            if best is None:
                continue
            for f in best:
                out.fields[f] += 1
            if {"conditions", "amount"} <= best:
                out.no_edit += 1
            paired_drafts.update(d.id for d in candidates)
        out.drafts += len(drafts)
        out.extra += sum(1 for d in drafts if d.id not in paired_drafts)
        out.valid += sum(1 for d in drafts if checked.get(d.id) is not None and checked[d.id].ok)
        out.per_document[key] = (len(reviewed), found_here, len(drafts))
    return out
