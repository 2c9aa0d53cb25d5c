"""The facts an application stands on, as the enterprise and the reviewer read them.

The whole profile is frozen with the application by the ledger's ``rules_check.freeze``
(``{"profile": …}``, restored exactly, events included) and the rule is evaluated again on it by
``rules_check.evaluate``; beside it the application keeps the facts the measure reads, each with
its Chinese label (yearly facts with their period) and its value as the decision saw it.
"""

from __future__ import annotations

from datetime import date

from zhida.enterprises.facts import profile_to_facts
from zhida.matching.evaluator import compiled
from zhida.rules.describe import label
from zhida.rules.vocabulary import fact_value
from zhida.store.jsonable import jsonable


def used_facts(measure, profile, as_of: date, policies) -> list[dict]:
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
