"""Which changes of an enterprise's facts a near-miss may propose: the plausible ones.

A near-miss (差一点) tells an enterprise what it could change to get a measure. Telling a
3-person firm 35 times that it needs national 专精特新 certification is noise, so a change
("set"; supplying an unknown fact or a responsible unit's judgement is always fine) is proposed
only when it is a step this enterprise could take:

- numbers: at most ``MAX_RELATIVE_CHANGE`` away from the current value (±50 %: 3 → 4 staff,
  10 → 14 million 元 revenue); from 0 any change is unbounded, so none is proposed;
- certifications climb the ladder of 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号),
  创新型中小企业 → 专精特新中小企业 → 专精特新"小巨人", one rung at a time: a change may
  reach at most one rung above the highest rung the enterprise holds (``RUNGS``; 高新技术企业
  and 科技型中小企业 stand for the first rung, which the catalogue has no fact for);
- size: the enterprise's size class (300号划型, ``SIZE_CONCEPT``) may move at most one class
  (micro → small, never micro → medium), and 规模以上 is proposed only from a revenue within
  the numeric bound of its 2000万元 line;
- codes that say what an enterprise is (ownership, listing status, …) do not change: only the
  steps in ``CODE_STEPS`` (a small-scale taxpayer may register as a general one, not back) and
  the ladder;
- dates are history (established, bought, registered) except a certificate's validity
  (``RENEWABLE_DATES``: renewing it is a step the enterprise takes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MAX_RELATIVE_CHANGE = Decimal("0.5")
# (fact, value) → rung on the 梯度培育 ladder; a boolean certification's value is True
RUNGS: dict[tuple[str, object], int] = {
    ("tech_sme", True): 1, ("high_tech_enterprise", True): 1,
    ("srdi_level", "municipal"): 2, ("srdi_level", "provincial"): 2, ("srdi_level", "national"): 3,
    ("little_giant_level", "provincial"): 3, ("little_giant_level", "national"): 3,
}
LADDER_FACTS = frozenset(f for f, _ in RUNGS)
CODE_STEPS = frozenset({("taxpayer_type", "small_scale", "general")})  # (fact, from, to)
RENEWABLE_DATES = frozenset({"high_tech_valid_until", "tech_sme_valid_until", "srdi_valid_until",
                             "little_giant_valid_until"})
SIZE_CONCEPT = "size_class_300"
SIZE_ORDER = {"micro": 0, "small": 1, "medium": 2, "large": 3}
ABOVE_DESIGNATED_REVENUE = Decimal(20_000_000)  # 规模以上工业企业: 年主营业务收入2000万元及以上


def rung(values: dict) -> int:
    """The highest rung of the ladder the enterprise holds (0: none known)."""
    return max((r for (fact, value), r in RUNGS.items() if values.get(fact) == value), default=0)


def plausible_change(fact: str, fact_type: str | None, current, target, values: dict) -> bool:
    """Whether setting ``fact`` from ``current`` to ``target`` is a step this enterprise could take;
    ``values`` are its facts (for the ladder and the revenue behind 规模以上)."""
    if current is None:  # supplying an unknown fact is not a change
        return True
    if fact in LADDER_FACTS:
        return RUNGS.get((fact, target), 0) <= rung(values) + 1
    if fact == "above_designated_size" and target is True:
        return context(values, None)[1]
    if isinstance(current, bool) or isinstance(target, bool):
        return True
    if isinstance(current, (int, Decimal)) and isinstance(target, (int, Decimal)):
        if current == 0:
            return False
        return abs(Decimal(target) - Decimal(current)) <= MAX_RELATIVE_CHANGE * abs(Decimal(current))
    if isinstance(current, date):
        return fact in RENEWABLE_DATES
    if fact_type == "code":
        return (fact, current, target) in CODE_STEPS
    return True


def context(values: dict, size_class) -> tuple:
    """What plausibility reads beyond a measure's own facts (its ladder rung, whether 规模以上 is
    within reach, its size class): part of the key under which a result is shared by enterprises."""
    revenue = values.get("revenue")
    near_designated = revenue is not None and Decimal(revenue) * (1 + MAX_RELATIVE_CHANGE) >= ABOVE_DESIGNATED_REVENUE
    return rung(values), near_designated, size_class


def size_leap(before, after) -> bool:
    """True when the size class moves more than one class (unknown on either side: no leap)."""
    if before not in SIZE_ORDER or after not in SIZE_ORDER:
        return False
    return abs(SIZE_ORDER[after] - SIZE_ORDER[before]) > 1
