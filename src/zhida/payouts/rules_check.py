"""What the rule allows on frozen facts: the measure evaluated by ``zhida.matching`` for one
enterprise, as of a date — its status, the amount it computes, and the version of the rule.

Facts are frozen as JSON: a whole profile (``{"profile": …}``, restored exactly) or a facts dict
(``{"facts": …}``, values restored to their catalogue types: Decimal money, dates).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.errors import ZhidaError
from zhida.matching.match import MatchResult, match_enterprise
from zhida.rules.values import coerce, judgement
from zhida.store.jsonable import jsonable


@dataclass(frozen=True)
class RuleOutcome:
    status: str  # eligible | undetermined | ineligible | not_applicable
    amount: Decimal | None  # the most the rule allows (exact value, cap, a range's upper end); None: not stated
    result: MatchResult

    @property
    def failing(self) -> list[str]:
        return [r.text for r in self.result.reasons if r.outcome is False]


def freeze(facts) -> dict:
    """The JSON kept with a record: ``{"profile": …}`` or ``{"facts": …}``."""
    if isinstance(facts, EnterpriseProfile):
        return {"profile": facts.model_dump(mode="json")}
    if isinstance(facts, dict) and set(facts) <= {"profile", "facts"} and facts:
        return facts  # already frozen
    if isinstance(facts, dict):
        return {"facts": jsonable(facts)}
    raise ZhidaError("facts", "须为企业档案或事实字典")


def thaw(frozen: dict, policies):
    if "profile" in frozen:
        return EnterpriseProfile.model_validate(frozen["profile"])
    out = {}
    for name, value in (frozen.get("facts") or {}).items():
        if name.startswith("open."):
            out[name] = judgement(name, value)
            continue
        fact = policies.catalogue.get(name)
        out[name] = coerce(fact, value) if fact is not None else value
    return out


def evaluate(measure, frozen: dict, as_of: date, policies) -> RuleOutcome:
    result = match_enterprise(thaw(frozen, policies), as_of, measures=[measure], policies=policies,
                              near_misses=False)[0]
    a = result.amount
    amount = None
    if a.kind in ("exact", "maximum"):
        amount = a.value
    elif a.kind == "range":
        amount = a.upper
    return RuleOutcome(result.status, amount, result)


def rule_version(measure, policies) -> str:
    """The measure file's content hash (12 hex) and review date: a changed rule is a new version."""
    path = config.policies_subdir("measures", policies.root) / measure.file if measure.file else None
    digest = _file_digest(str(path)) if path else "unknown"
    reviewed = str((measure.review or {}).get("date") or "")
    return f"{measure.document[:3]}:{digest}" + (f"@{reviewed}" if reviewed else "")


@lru_cache(maxsize=64)
def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "unknown"
