"""Fidelity: every number in a rule must appear, normalised, in a quote the rule cites.

Numbers of a rule: numeric literals in conditions, amount/cap/floor/upper expressions, DATE
literals, and the period's dates. Allowed values: everything ``zhida.documents.extract``
reads from the rule's quotes (500万元 → 5000000, 10% → 0.10 and 10, 2022年度 → 2022-01-01 and
2022-12-31, 2000人 → 2000), bare digits (3年 → 3), 减半 → 0.5; plus, for numbers inside a
concept, that concept's source text. ``0`` and LEFT()'s length argument are structural.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlglot import exp

from zhida.rules.expr import parse
from zhida.rules.periods import policy_spec

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(\d{4})\s*年")
_WORDS = {"减半": Decimal("0.5"), "全额": Decimal(1)}


@dataclass
class Untraced:
    where: str
    value: object

    def __str__(self) -> str:
        return f"{self.where}: {self.value} not found in the cited quote(s)"


def _simplified(text: str) -> str:
    try:
        from zhida.documents.script import to_simplified

        return to_simplified(text)[0]
    except Exception:  # noqa: BLE001 - without opencc, digits still trace
        return text


def values_in(text: str) -> set:
    """Normalised numbers and dates stated in ``text``."""
    text = _simplified(text)
    found: set = set()
    try:
        from zhida.documents.extract import extract_clause

        got = extract_clause(text)
        for a in got.amounts:
            found |= {v for v in (a.value, a.upper) if v is not None}
        for p in got.percentages:
            for v in (p.value, p.upper):
                if v is not None:
                    found |= {v, v / 100}
            if p.ratio:
                found |= set(p.ratio)
        for d in got.dates:
            found |= {v for v in (d.on, d.start_date, d.end_date) if v is not None}
        for q in got.quantities:
            found.add(q.value)
    except ImportError:
        pass
    for match in _DIGITS.finditer(text):
        number = Decimal(match.group())
        found |= {number, number / 100 if text[match.end(): match.end() + 1] in ("%", "％") else number}
    for match in _YEAR.finditer(text):  # a year stated alone covers its whole span
        year = int(match.group(1))
        if 1990 <= year <= 2100:
            found |= {date(year, 1, 1), date(year, 12, 31)}
    for word, value in _WORDS.items():
        if word in text:
            found.add(value)
    return found


def numbers_of(node: exp.Expression, concepts: dict) -> list[tuple[object, str | None]]:
    """(value, concept) for every number/date literal; concept names are not descended into."""
    out = []
    for sub in node.walk():
        if isinstance(sub, exp.Cast) and isinstance(sub.this, exp.Literal):
            out.append((date.fromisoformat(sub.this.this), None))
        elif isinstance(sub, exp.Literal) and not sub.is_string:
            if isinstance(sub.parent, exp.Left) and sub.arg_key == "expression":
                continue
            value = Decimal(sub.this)
            if value != 0:
                out.append((value, None))
    return out


def _matches(value, allowed: set) -> bool:
    if isinstance(value, date):
        return value in allowed
    return any(isinstance(a, Decimal) and a == value for a in allowed)


def _concept_text(concept) -> str:
    parts = []
    for src in concept.source if isinstance(concept.source, list) else [concept.source]:
        parts += [str(src.get("text") or ""), str(src.get("quote") or "")]
    return "\n".join(parts)


def check_measure(measure, policies) -> list[Untraced]:
    quotes = [s.quote for s in measure.sources]
    quotes += [c.quote for c in measure.conditions if c.quote]
    quotes += [o.quote for o in measure.open_criteria]
    if measure.amount is not None and measure.amount.quote:
        quotes.append(measure.amount.quote)
    if measure.period.quote:
        quotes.append(measure.period.quote)
    allowed = values_in("\n".join(quotes))
    for name in measure.uses:
        concept = policies.concepts.get(name)
        if concept is not None:
            allowed |= values_in(_concept_text(concept))
    problems = []
    at = f"{measure.file} [{measure.id}]"
    for cond in measure.conditions:
        for value, _ in numbers_of(cond.ast, policies.concepts):
            if not _matches(value, allowed):
                problems.append(Untraced(f"{at} conditions[{cond.id}]", value))
    if measure.amount is not None:
        for key, text in measure.amount.text.items():
            policy = policy_spec(measure.period.start, measure.period.end)
            for value, _ in numbers_of(parse(text, key, policy), policies.concepts):
                if not _matches(value, allowed):
                    problems.append(Untraced(f"{at} amount.{key}", value))
    for key, value in (("from", measure.period.start), ("to", measure.period.end)):
        if value is not None and not _matches(value, values_in(measure.period.quote or "")):
            problems.append(Untraced(f"{at} period.{key}", value))
    return problems


def check_concept(concept) -> list[Untraced]:
    allowed = values_in(_concept_text(concept))
    return [Untraced(f"{concept.origin} [{concept.name}] expr", v) for v, _ in numbers_of(concept.written or concept.ast, {})
            if not _matches(v, allowed)]
