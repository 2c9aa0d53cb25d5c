"""Who holds which role on one application (the workflow checks the role against its table).

- applicant (申请企业): an enterprise account of the application's USCC;
- acceptor / reviewer (受理 / 审核): staff of the unit the application was routed to;
- payer (拨付): staff of the payer unit (the measure's finance unit at that level, else the
  routed unit);
- supervisor (督办): administrators.

Staff tied to a district act only on applications of enterprises in that district; staff not
tied to a district act city-wide. Nobody holds a role on an application of another enterprise
or another unit: they do not see it at all.
"""

from __future__ import annotations

from typing import Protocol

from zhida.enterprises import regions
from zhida.workflow import Actor


class Person(Protocol):  # web.deps.Principal has these
    user_id: int
    username: str
    role: str
    units: tuple[str, ...]
    region: str | None
    uscc: str | None


def _in_region(person: Person, application) -> bool:
    if not person.region:
        return True
    code = regions.scope_code_or_none(person.region) or "—"
    return code == (application.district or application.region_code)


def roles_of(person: Person, application) -> frozenset[str]:
    roles: set[str] = set()
    if person.role == "enterprise" and person.uscc and person.uscc == application.uscc:
        roles.add("applicant")
    if person.role == "staff" and _in_region(person, application):
        units = set(person.units or ())
        if application.unit in units:
            roles |= {"acceptor", "reviewer"}
        if application.payer_unit in units:
            roles.add("payer")
    if person.role == "admin":
        roles.add("supervisor")
    return frozenset(roles)


def actor_of(person: Person, application) -> Actor:
    return Actor(person.username, roles_of(person, application), person.user_id)


def may_see(person: Person, application) -> bool:
    return bool(roles_of(person, application))
