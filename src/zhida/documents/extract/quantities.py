"""Counts that are not money: 2000人以下, 25家以上, 1.5万人, 85户, 26项.

Kept apart from ``Amount`` so a headcount can never be read as yuan. Role: ``…以上``
→ threshold_min, ``…以下/以内`` → threshold_max, 不低于/不少于 → floor, 不超过 →
cap, otherwise ``exact``. Chinese numerals count only with a place word (十/百/千…)
or 两+, so idioms like 一户一档 are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from zhida.documents.extract.context import left_phrase, right_phrase
from zhida.documents.extract.numbers import ARABIC, apply_multiplier, parse_number

_CN_COUNT = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*[十百千万][零〇一二两三四五六七八九]*"
_COUNT = re.compile(
    rf"(?<![0-9０-９.．A-Za-z])(?P<num>{ARABIC}|{_CN_COUNT})\s*(?P<mult>万|亿)?\s*"
    r"(?P<unit>人次|人(?!民|工|才|员|口|数|均|体|用|次性|社)|名|家|户|台|辆|套|项|亩)"
)


@dataclass
class Quantity:
    text: str
    value: Decimal
    unit: str  # 人, 名, 家, 户, 台, 辆, 套, 项, 亩, 人次
    role: str  # threshold_min, threshold_max, floor, cap, exact
    start: int
    end: int


def extract_quantities(text: str) -> list[Quantity]:
    found = []
    for match in _COUNT.finditer(text):
        try:
            value = apply_multiplier(parse_number(match.group("num")), match.group("mult"))
        except ValueError:
            continue
        left, right = left_phrase(text, match.start()), right_phrase(text, match.end())
        found.append(Quantity(match.group(0), value, match.group("unit"), _role(left, right),
                              match.start(), match.end()))
    return found


def _role(left: str, right: str) -> str:
    if re.match(r"\s*(?:及|或)?以上", right):
        return "threshold_min"
    if re.match(r"\s*(?:及|或)?(?:以下|以内)", right):
        return "threshold_max"
    if re.search(r"不低于|不少于|至少", left):
        return "floor"
    if re.search(r"不超过|最多|不高于", left):
        return "cap"
    return "exact"
