"""The explained result of one measure for one enterprise (scalar evaluator output)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zhida.documents.model import to_jsonable


@dataclass
class Check:
    """One comparison met while evaluating: the raw material for reasons and near-misses."""

    expr: str  # SQL text of the comparison
    op: str  # =, <>, <, <=, >, >=, IN, BETWEEN, IS TRUE (a boolean fact), OPEN
    facts: list[str]  # facts on the left-hand side
    value: object  # left-hand value (None = unknown)
    threshold: object  # right-hand value(s)
    outcome: bool | None
    concept: str | None = None  # the concept this check sits in, if any
    text_zh: str = ""


@dataclass
class ConditionOutcome:
    id: str
    label: str
    quote: str | None
    outcome: bool | None
    reason_zh: str
    checks: list[Check] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class MeasureResult:
    measure_id: str
    title: str
    benefit: str
    status: str  # eligible | ineligible | undetermined | not_applicable
    period: str  # in_force | expired | not_yet_effective
    amount: Decimal | None
    amount_kind: str | None  # exact | maximum | minimum | range | not_stated
    amount_upper: Decimal | None = None
    amount_least: Decimal | None = None  # amount.sum_of_parts: amount unknown, the known parts' sum (a floor)
    jurisdiction: bool | None = None
    beneficiary: bool | None = None
    conditions: list[ConditionOutcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    open_criteria: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    not_in_force: list[str] = field(default_factory=list)  # concepts UNKNOWN because as_of is outside their window
    document_status: str = "final"  # draft: from a 征求意见稿 — labelled, never counted in in-force totals

    @property
    def failing(self) -> list[str]:
        return [c.id for c in self.conditions if c.outcome is False]

    def to_json(self) -> dict:
        return to_jsonable(self) | {"failing": self.failing}
