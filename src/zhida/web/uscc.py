"""统一社会信用代码 (USCC, GB 32100-2015): the key that scopes an enterprise user.

Checked here so a typo can never grant or deny access by accident (the rules themselves are
``zhida.enterprises.uscc``); only leading and trailing blanks are forgiven, the rest must be the code.
"""

from __future__ import annotations

from zhida.enterprises import uscc
from zhida.errors import DataError


def normalize_uscc(value: str, field: str = "uscc") -> str:
    """The canonical (upper-case, trimmed) USCC, or DataError naming the field and the fault."""
    try:
        return uscc.check_normalized((value or "").strip().upper())
    except uscc.USCCError as exc:
        raise DataError(field, exc.zh) from None
