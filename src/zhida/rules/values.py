"""Profile values → exact Python values of a fact's type (Decimal for money, never float)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from zhida.errors import RuleError


def _decimal(name: str, value) -> Decimal:
    if isinstance(value, bool):
        raise RuleError(name, f"{value!r} is not a number")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):  # YAML/JSON give floats: keep their shortest decimal form
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            pass
    raise RuleError(name, f"{value!r} is not a number")


def coerce(fact, value):
    """None stays None (missing = unknown)."""
    if value is None:
        return None
    name, ftype = fact.name, fact.type
    if ftype in ("money", "decimal", "percent"):
        number = _decimal(name, value)
        if not number.is_finite():
            raise RuleError(name, f"{value!r} is not a finite number")
        return number
    if ftype == "integer":
        number = _decimal(name, value)
        if not number.is_finite():  # int(Decimal('Infinity')) raised OverflowError (a 500 in the calculator)
            raise RuleError(name, f"{value!r} is not a finite number")
        if number != number.to_integral_value():
            raise RuleError(name, f"{value!r} is not a whole number")
        return int(number)
    if ftype == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "是", "否"):
            return value.lower() in ("true", "是")
        raise RuleError(name, f"{value!r} is not true/false")
    if ftype == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise RuleError(name, f"{value!r} is not a date YYYY-MM-DD") from None
    text = str(value)
    if fact.values and text not in fact.values:
        raise RuleError(name, f"{text!r} is not one of {', '.join(fact.values)}")
    if fact.pattern and not re.fullmatch(fact.pattern, text):
        raise RuleError(name, f"{text!r} does not match {fact.pattern}")
    return text


def judgement(name: str, value) -> bool | None:
    """A responsible unit's judgement of an open criterion (``open.x: false``); None = not judged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "是", "否"):
        return value.strip().lower() in ("true", "是")
    raise RuleError(name, f"{value!r} is not a judgement (true/false)")
