"""Lender accounts: a staff account whose units are all declared lenders (data/lenders.yaml).

A lender sees only the financing pages: its own products, and the needs whose enterprise shared
them with it (``FinanceNeed.share_lenders``), with the enterprise's profile only when the
enterprise agreed (``share_profile``). Everything else of zhida refuses it (web/deps.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml


@cache
def declared() -> tuple[str, ...]:
    data = yaml.safe_load((Path(__file__).resolve().parent / "data" / "lenders.yaml").read_text(encoding="utf-8"))
    return tuple(data["lenders"])


def lender_units(person) -> tuple[str, ...]:
    if getattr(person, "role", None) != "staff":
        return ()
    return tuple(u for u in person.units if u in declared())


def is_lender(person) -> bool:
    """Staff whose every unit is a lender (a bank's account, not a government officer's)."""
    units = tuple(getattr(person, "units", ()) or ())
    return getattr(person, "role", None) == "staff" and bool(units) and all(u in declared() for u in units)
