"""Who holds which workflow role on one request, and who may see it.

- 诉求企业 (requester): the enterprise account of the request's USCC;
- 首接单位 (receiver): staff of the unit that first received it — it owns the request until 派单;
- 承办单位 (handler): staff of the unit it was dispatched to; 会商单位 (co_handler): staff of a co-unit;
- 督办单位 (supervisor): staff of the supervising unit (offices), and the administrator;
- 回访人员 (visitor): staff of the receiving or supervising unit (回访 of phone and hotline requests).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import or_, select

from zhida.desk import offices
from zhida.desk.tables import DeskConsult, DeskRequest


class Person(Protocol):
    user_id: int
    username: str
    role: str  # admin, staff, enterprise
    units: tuple[str, ...]
    uscc: str | None


def is_supervisor(person: Person) -> bool:
    return person.role == "admin" or (person.role == "staff" and offices.load().supervisor in person.units)


def roles_on(person: Person, request: DeskRequest, co_units: list[str] | None = None) -> frozenset[str]:
    held: set[str] = set()
    if person.role == "enterprise":
        if request.uscc and person.uscc == request.uscc:
            held.add("requester")
        return frozenset(held)
    units = set(person.units) if person.role == "staff" else set()
    if is_supervisor(person):
        held |= {"supervisor", "visitor"}
    if request.receiving_unit in units:
        held |= {"receiver", "visitor"}
    if request.dispatched_at is not None and request.unit in units:
        held.add("handler")
    if units & set(co_units if co_units is not None else request.co_units or ()):
        held.add("co_handler")
    return frozenset(held)


def may_see(person: Person, request: DeskRequest) -> bool:
    if person.role == "admin":
        return True
    return bool(roles_on(person, request))


def visible(person: Person):
    """A WHERE clause for the requests ``person`` may see (None: all of them)."""
    if person.role == "admin" or is_supervisor(person):
        return None
    if person.role == "enterprise":
        return DeskRequest.uscc == (person.uscc or "—")
    units = list(person.units) or ["—"]
    consulted = select(DeskConsult.request_id).where(DeskConsult.unit.in_(units))
    return or_(DeskRequest.unit.in_(units), DeskRequest.receiving_unit.in_(units), DeskRequest.id.in_(consulted))
