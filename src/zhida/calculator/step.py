"""One step of the 政策计算器: answers so far → every measure matched → the next question.

The next question is the fact that the most still-undetermined measures are waiting for
(``Question.deciding``), counting measures not yet expired on the evaluation date (all of them
when every measure has expired), enterprise benefits only. Measures that also wait for a fact
the visitor skipped can no longer become eligible (that fact stays unknown), only be ruled out,
so they count after the others: skipping 小巨人认定层级 does not make its validity date the next
question. Ties go to the larger money at stake — the sum of the fixed amounts or caps the source
states for those measures — then to the catalogue's order. Money breaks ties only: most open
amounts are formulas of the very facts still unknown, so a money-first order would rank a
question by the few measures whose amount happens to be a literal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlglot import exp

from zhida.calculator.questions import Question, parse, question
from zhida.enterprises import industries
from zhida.errors import DataError
from zhida.matching.match import MatchResult, match_enterprise, summary


@dataclass
class Step:
    as_of: date
    answers: dict[str, Any]  # fact → typed value, as answered (in the order given)
    answered: list[Question]  # the questions answered so far (for 修改)
    skipped: list[str]  # facts the visitor does not know: never asked again, left unknown
    results: list[MatchResult]
    summary: dict  # matching.match.summary: counts, totals
    question: Question | None  # the next question; None when nothing left decides anything
    questions_left: int  # facts still deciding something (the next one included)
    errors: dict[str, str] = field(default_factory=dict)  # fact → Chinese message for a rejected answer

    @property
    def eligible(self) -> list[MatchResult]:
        return [r for r in self.results if r.status == "eligible" and r.enterprise_benefit]

    @property
    def undetermined(self) -> list[MatchResult]:
        return [r for r in self.results if r.status == "undetermined" and r.enterprise_benefit]


def step(raw_answers: Mapping[str, Any], skipped: Iterable[str], as_of: date, policies,
         base: Mapping[str, Any] | None = None, ask: str | None = None) -> Step:
    """``raw_answers``: fact → answer text (or JSON value); ``base``: facts known beforehand (an
    enterprise's stored profile as ``profile_to_facts`` derives it), which answers override;
    ``ask``: a fact to ask next whatever its rank (修改 an answer given before).
    A rejected answer is left out and reported in ``errors``; the step goes on without it."""
    facts: dict[str, Any] = dict(base or {})
    answers: dict[str, Any] = {}
    answered: list[Question] = []
    errors: dict[str, str] = {}
    for fact, raw in raw_answers.items():
        q = question(fact, policies, as_of)
        if q is None:
            errors[fact] = "不是可回答的问题"
            continue
        try:
            value = parse(q, raw)
        except DataError as exc:
            errors[fact] = exc.reason
            continue
        answers[fact] = facts[fact] = value
        answered.append(q)
    _derive(facts, answers)
    results = match_enterprise(facts, as_of, policies=policies, near_misses=False)  # none shown here
    skip = [f for f in dict.fromkeys(skipped) if f not in answers]
    ranked = _ranked(results, set(answers), set(skip), as_of, policies)
    next_q = None
    if ask and ask not in answers and (asked := question(ask, policies, as_of)) is not None:
        ranked = [r for r in ranked if r[0] != ask]
        deciding = next((n for f, n, _ in _ranked(results, set(answers), set(), as_of, policies) if f == ask), 0)
        return Step(as_of, answers, answered, [f for f in skip if f != ask], results, summary(results),
                    Question(**{**asked.__dict__, "deciding": deciding}), len(ranked) + 1, errors)
    for fact, deciding, _stake in ranked:
        next_q = question(fact, policies, as_of)
        if next_q is not None:
            next_q = Question(**{**next_q.__dict__, "deciding": deciding})
            break
    return Step(as_of, answers, answered, skip, results, summary(results), next_q, len(ranked), errors)


def _derive(facts: dict[str, Any], answers: Mapping[str, Any]) -> None:
    """What an answer implies as a profile would derive it: the industry's 门类 from its code."""
    code = answers.get("industry_code")
    if code and "industry_section" not in answers:
        facts["industry_section"] = industries.section_of_division().get(str(code)[:2])


def _ranked(results: list[MatchResult], answered: set[str], skipped: set[str], as_of: date,
            policies) -> list[tuple[str, int, Decimal]]:
    """Facts still deciding something: (fact, undetermined measures waiting for it, money at
    stake), best first."""
    open_ = [r for r in results if r.status == "undetermined" and r.enterprise_benefit]
    live = [r for r in open_ if r.period != "expired"] or open_
    counts: dict[str, int] = {}
    can_win: dict[str, int] = {}  # of those, measures not also waiting for a skipped fact
    stakes: dict[str, Decimal] = {}
    for r in live:
        stake = _stake(policies.measures[r.measure_id])
        waiting = dict.fromkeys(r.missing)
        blocked = any(f in skipped for f in waiting)
        for fact in waiting:
            if fact in answered or fact in skipped:
                continue
            counts[fact] = counts.get(fact, 0) + 1
            can_win[fact] = can_win.get(fact, 0) + (not blocked)
            stakes[fact] = stakes.get(fact, Decimal(0)) + stake
    order = {name: i for i, name in enumerate(policies.catalogue.facts)}
    ranked = sorted(counts, key=lambda f: (-can_win[f], -counts[f], -stakes[f],
                                           order.get(f.partition("@")[0], len(order)), f))
    return [(f, counts[f], stakes[f]) for f in ranked]


def _stake(measure) -> Decimal:
    """The money a measure's source states outright: its cap, else a fixed amount (0: none)."""
    a = measure.amount
    if a is None:
        return Decimal(0)
    for node in (a.cap, a.expr):
        if isinstance(node, exp.Literal) and not node.is_string:
            return Decimal(node.this)
    return Decimal(0)
