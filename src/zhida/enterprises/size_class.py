"""The size class 大/中/小/微 — derived from the figures, never typed in.

The one place that asks the rules package for the 中小企业划型 concept ``size_class_300``
(工信部联企业〔2011〕300号, policies/concepts/enterprise_size.yaml), evaluated with the scalar
evaluator: the same Kleene semantics as matching, so a missing figure that matters gives None.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from zhida.errors import RuleError

CONCEPT = "size_class_300"
SIZE_CLASSES = ("large", "medium", "small", "micro")
SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


@cache
def _policies():
    from zhida.rules.loader import load_policies

    policies = load_policies()
    if CONCEPT not in policies.concepts:
        raise RuleError(f"concept {CONCEPT}", "not defined in policies/concepts (needed to derive the size class)")
    return policies


def derive_size_class(industry_code: str | None, employees: int | None, revenue: Decimal | None,
                      total_assets: Decimal | None, as_of: dt.date | None = None) -> str | None:
    """large / medium / small / micro, or None when the figures given cannot decide it.

    industry_code: GB/T 4754-2017, with or without the 门类 letter; money in yuan.
    """
    from zhida.rules.evaluate import Evaluator

    digits = (industry_code or "").lstrip("ABCDEFGHIJKLMNOPQRST") or None
    facts = {"industry_code": digits, "employees": employees, "revenue": revenue, "total_assets": total_assets}
    evaluator = Evaluator(facts, as_of or dt.date.today(), _policies())
    return evaluator.lookup(CONCEPT)
