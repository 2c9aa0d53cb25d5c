"""The words around a number: what decides its role.

A role word (最高, 不低于, 以上 …) governs the numbers of its own phrase, so the left
context stops at phrase punctuation (，。；) and at the previous number of the same
kind — '每年最高500万元支持和投资性补助最高100万元' must not lend 每年 to the second
sum. Enumerations ('首次达到10亿元、50亿元、100亿元') share the first item's role.
"""

from __future__ import annotations

import re

# Phrase boundaries. 、 is deliberately absent: it joins items of one phrase.
PHRASE_END = "，,。；;！!？?\n：:"
_ENUMERATION_GAP = re.compile(r"\s*[、和及与或]\s*")


def left_phrase(text: str, start: int, floor: int = 0, limit: int = 40) -> str:
    """Text before ``start`` back to the phrase boundary, ``floor`` or ``limit`` chars."""
    lo = max(floor, start - limit)
    window = text[lo:start]
    cut = max(window.rfind(ch) for ch in PHRASE_END)
    return window[cut + 1:] if cut >= 0 else window


def right_phrase(text: str, end: int, limit: int = 20) -> str:
    """Text after ``end`` up to the phrase boundary or ``limit`` chars."""
    window = text[end:end + limit]
    cuts = [window.find(ch) for ch in PHRASE_END if ch in window]
    return window[: min(cuts)] if cuts else window


def continues_enumeration(text: str, previous_end: int | None, start: int) -> bool:
    """True when only an enumeration joint (、 和 及 …) lies between two numbers."""
    if previous_end is None or previous_end > start:
        return False
    return bool(_ENUMERATION_GAP.fullmatch(text[previous_end:start]))
