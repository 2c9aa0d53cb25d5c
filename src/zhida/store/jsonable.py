"""A fast ``to_jsonable`` for storing parse trees (same output as zhida.documents.model.to_jsonable).

``dataclasses.asdict`` deep-copies every leaf, which made JSON conversion the slowest part of
ingest; here each field is converted once, directly.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=64)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dataclass_fields__"):
        return {name: jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
