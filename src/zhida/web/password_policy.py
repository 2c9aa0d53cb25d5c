"""Password policy: at least 10 characters and not one of the commonly used passwords.

The list is zxcvbn's (the 30,000 most common passwords of leaked-password corpora, shipped in
the package: no network), checked case-insensitively, also with trailing digits and symbols
removed ("Password2024!" is "password").
"""

from __future__ import annotations

import re
from functools import cache

MIN_LENGTH = 10
_TAIL = re.compile(r"[\d\W_]+$")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check(password: str) -> str | None:
    """None when acceptable, else the reason in one Chinese line."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位"
    lowered = password.lower()
    stem = _TAIL.sub("", lowered)
    common = _common()
    if lowered in common or (len(stem) >= 4 and stem in common) or len(set(lowered)) < 3:
        return "密码过于常见或过于简单，请换一个不易猜到的密码"
    return None
