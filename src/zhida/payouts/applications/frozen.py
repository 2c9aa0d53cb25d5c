"""The facts an application stands on, frozen when it starts, and the rule's amount on them.

The whole profile is kept (``{"profile": …}``, restored exactly, events included), so the rule
can be evaluated again on exactly what the enterprise applied with; beside it the facts the
measure reads, each with its Chinese label (yearly facts with their period) and its value as the
decision saw it — what the enterprise and the reviewer read on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.evaluator import compiled
from zhida.matching.match import MatchResult, match_enterprise
from zhida.rules.describe import label
from zhida.rules.vocabulary import fact_value
from zhida.store.jsonable import jsonable


@dataclass(frozen=True)
class RuleOutcome:
    status: str
    amount: Decimal | None  # the most the rule allows; None: the measure states no amount
    result: MatchResult


def freeze(profile: EnterpriseProfile) -> dict:
    return {"profile": profile.model_dump(mode="json")}


def thaw(frozen: dict) -> EnterpriseProfile:
    return EnterpriseProfile.model_validate(frozen["profile"])


def evaluate(measure, frozen: dict, as_of: date, policies) -> RuleOutcome:
    """The measure on the frozen profile: its status and the most its amount allows."""
    result = match_enterprise(thaw(frozen), as_of, [measure], policies=policies, near_misses=False)[0]
    return RuleOutcome(result.status, most(result), result)


def most(result: MatchResult) -> Decimal | None:
    a = result.amount
    if a is None or a.kind in (None, "not_stated"):
        return None
    value = a.value if a.kind == "exact" else (a.upper if a.upper is not None else a.value)
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def used_facts(measure, profile: EnterpriseProfile, as_of: date, policies) -> list[dict]:
    """The facts the measure reads, with their labels and values on ``as_of`` (None: not known)."""
    facts = profile_to_facts(profile, as_of, period_names=policies.catalogue.period_names())
    out = []
    for name in sorted(compiled(measure, policies).facts):
        value = facts.get(name)
        try:
            shown = "未知" if value is None else fact_value(name, value)
        except Exception:  # noqa: BLE001 - a value without a code word reads as given
            shown = str(value)
        out.append({"fact": name, "label": label(name, policies, as_of), "value": jsonable(value),
                    "shown": str(shown)})
    return out
