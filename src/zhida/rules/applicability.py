"""Jurisdiction and beneficiary type as expressions over facts, shared by every back end."""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from zhida.rules.model import BENEFICIARIES, JURISDICTION_BASES, Measure


def _region_test(code: str, fact: str = "region_code") -> str:
    # GB/T 2260: ..0000 is a province (all its districts), ....00 a prefecture (all its counties).
    if code.endswith("0000"):
        return f"LEFT({fact}, 2) = '{code[:2]}'"
    if code.endswith("00"):
        return f"LEFT({fact}, 4) = '{code[:4]}'"
    return f"{fact} = '{code}'"


def jurisdiction_sql(measure: Measure) -> str:
    """'In the jurisdiction' = for some basis (registration, tax, premises), the region fact of
    that basis lies in one of the codes — an OR, so registered there OR paying tax there (Kleene:
    registered there is enough even if the tax region is unknown). Zones: ``special_zone``."""
    facts = [JURISDICTION_BASES[b] for b in getattr(measure, "jurisdiction_basis", None) or ["registration"]]
    tests = []
    for code in measure.jurisdiction:
        if code.startswith("zone:"):
            tests.append(f"special_zone = '{code[5:]}'")
        else:
            tests += [_region_test(code, fact) for fact in facts]
    return " OR ".join(tests)


def beneficiary_sql(measure: Measure) -> str:
    allowed = BENEFICIARIES[measure.beneficiary]
    if not allowed:
        return "FALSE"
    return "entity_type IN (" + ", ".join(f"'{t}'" for t in allowed) + ")"


@lru_cache(maxsize=4096)
def _parsed(text: str) -> exp.Expression:
    # parsing costs ~1 ms and every evaluation needs these; callers never modify the tree
    return sqlglot.parse_one(text)


def jurisdiction_ast(measure: Measure) -> exp.Expression:
    return _parsed(jurisdiction_sql(measure))


def beneficiary_ast(measure: Measure) -> exp.Expression:
    return _parsed(beneficiary_sql(measure))
