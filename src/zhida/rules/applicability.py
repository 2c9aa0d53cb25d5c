"""Jurisdiction and beneficiary type as expressions over facts, shared by every back end."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from zhida.rules.model import BENEFICIARIES, Measure


def _region_test(code: str) -> str:
    # GB/T 2260: ..0000 is a province (all its districts), ....00 a prefecture (all its counties).
    if code.endswith("0000"):
        return f"LEFT(region_code, 2) = '{code[:2]}'"
    if code.endswith("00"):
        return f"LEFT(region_code, 4) = '{code[:4]}'"
    return f"region_code = '{code}'"


def jurisdiction_sql(measure: Measure) -> str:
    tests = [f"special_zone = '{c[5:]}'" if c.startswith("zone:") else _region_test(c) for c in measure.jurisdiction]
    return " OR ".join(tests)


def beneficiary_sql(measure: Measure) -> str:
    allowed = BENEFICIARIES[measure.beneficiary]
    if not allowed:
        return "FALSE"
    return "entity_type IN (" + ", ".join(f"'{t}'" for t in allowed) + ")"


def jurisdiction_ast(measure: Measure) -> exp.Expression:
    return sqlglot.parse_one(jurisdiction_sql(measure))


def beneficiary_ast(measure: Measure) -> exp.Expression:
    return sqlglot.parse_one(beneficiary_sql(measure))
