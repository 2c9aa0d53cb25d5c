"""Numerals as printed in policy text → exact ``Decimal``.

Policy text mixes ASCII digits, full-width digits (５, １．５), digit groups with
thousands commas (1,000) and Chinese numerals (五百, 一千五百万, 二〇二二). Money
and percentages must stay exact, so nothing here ever goes through ``float``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import cn2an

# An arabic number, ASCII or full-width, optional thousands groups and decimals.
# Spaces are tolerated between digits and their unit by the callers, not inside.
ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
# A Chinese numeral that starts with a digit character (never a bare 百/千/万).
CHINESE = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?"
NUMBER = rf"(?:{ARABIC}|{CHINESE})"

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ARABIC_RE = re.compile(ARABIC)

# Multipliers written after a number: 1.5万, 5亿, 三百万.
MULTIPLIERS = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10, "百万": Decimal(10) ** 6, "千万": Decimal(10) ** 7, "万": Decimal(10) ** 4,
               "亿": Decimal(10) ** 8, "千": Decimal(1000), "百": Decimal(100)}


def parse_number(text: str) -> Decimal:
    """'500' / '１．５' / '1,000' / '五百' / '一点五' / '二〇二二' → exact Decimal.

    Raises ValueError for anything that is not a single numeral.
    """
    raw = re.sub(r"\s+", "", text)
    if not raw:
        raise ValueError("empty numeral")
    ascii_form = unicodedata.normalize("NFKC", raw)
    if _ARABIC_RE.fullmatch(raw):
        return Decimal(ascii_form.replace(",", ""))
    return _parse_chinese(raw)


def _parse_chinese(raw: str) -> Decimal:
    whole, _, fraction = raw.partition("点")
    if not whole or any(ch not in "零〇一二两三四五六七八九十百千万亿" for ch in whole):
        raise ValueError(f"not a numeral: {raw}")
    if all(ch in _CN_DIGITS for ch in whole) and len(whole) > 1:
        # digit-by-digit form such as 二〇二二 (years)
        integer = int("".join(str(_CN_DIGITS[ch]) for ch in whole))
    else:
        try:
            integer = cn2an.cn2an(whole, "normal")
        except (ValueError, KeyError) as error:  # cn2an rejects malformed numerals
            raise ValueError(f"not a numeral: {raw}") from error
    value = Decimal(int(integer))
    if fraction:
        if any(ch not in _CN_DIGITS for ch in fraction):
            raise ValueError(f"not a numeral: {raw}")
        value += Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in fraction))
    return value


def apply_multiplier(value: Decimal, multiplier: str | None) -> Decimal:
    """500 × 万 → 5000000, exactly; the result is normalized (no exponent noise)."""
    if multiplier:
        value = value * MULTIPLIERS[multiplier]
    return _plain(value)


def _plain(value: Decimal) -> Decimal:
    # 1.5 × 10^4 is Decimal('1.50000E+4') after arithmetic; show it as 15000.
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return Decimal(int(normalized))
    return normalized


def to_int(text: str) -> int:
    """Small integers (years, months, days) in any numeral form."""
    value = parse_number(text)
    if value != value.to_integral_value():
        raise ValueError(f"not an integer: {text}")
    return int(value)
