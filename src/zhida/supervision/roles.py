"""Who may do what in supervision.

- 督查室 (the supervising office): the administrator, and staff accounts whose units include the
  office named in ``data/supervision.yaml`` — they see every task, confirm and edit drafts, and
  receive the 督办 alerts;
- a unit's staff: see the tasks their units owe (lead or support) and report on them — only for
  their own units, never another's;
- enterprises: nothing here.
"""

from __future__ import annotations

from typing import Protocol

from zhida.supervision import settings


class Person(Protocol):
    user_id: int
    username: str
    role: str  # admin, staff, enterprise
    units: tuple[str, ...]


def is_office(person: Person) -> bool:
    return person.role == "admin" or (person.role == "staff" and settings.load().office in person.units)


def own_units(person: Person) -> set[str]:
    return set(person.units) if person.role == "staff" else set()


def may_see(person: Person, units: set[str]) -> bool:
    return is_office(person) or bool(own_units(person) & units)


def may_report(person: Person, unit: str) -> bool:
    """Only staff of the unit itself (the office reads reports; it does not write a unit's)."""
    return unit in own_units(person)
