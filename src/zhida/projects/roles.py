"""Who holds which role on a project, and which projects a person sees.

- 市产业主管部门 (city): the administrator and staff of the city units (data/offices.yaml);
  they see every project and take the city's steps of 首谈制;
- 区 (district): staff whose account is scoped to a district see the projects hosted, found,
  or credited there, and act on those their district hosts (or found, while a lead);
- 项目管家 (officer): the staff account named on the project;
- the owner enterprise sees its own projects; lender accounts see none (zhida.finance).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Protocol

import yaml
from sqlalchemy import or_

from zhida.projects.tables import Project

DATA = Path(__file__).resolve().parent / "data"


class Person(Protocol):
    user_id: int
    username: str
    role: str
    units: tuple[str, ...]
    uscc: str | None
    region: str | None


@cache
def offices() -> dict:
    return yaml.safe_load((DATA / "offices.yaml").read_text(encoding="utf-8"))


def city_units() -> tuple[str, ...]:
    return tuple(offices()["city_units"])


def district_of(person: Person) -> str | None:
    if person.role != "staff" or not getattr(person, "region", None):
        return None
    from zhida.enterprises import regions

    return regions.scope_code_or_none(person.region) or "—"


def is_city(person: Person) -> bool:
    return person.role == "admin" or (person.role == "staff" and bool(set(person.units) & set(city_units())))


def roles_on(person: Person, project: Project) -> frozenset[str]:
    held: set[str] = set()
    if person.role not in ("admin", "staff"):
        return frozenset()
    if is_city(person):
        held.add("city")
    district = district_of(person)
    if district and (district == project.region_code
                     or (project.shoutan_state in ("lead", None) and district == project.found_by)):
        held.add("district")
    if project.officer_id is not None and project.officer_id == person.user_id:
        held.add("officer")
    return frozenset(held)


def visible(person: Person):
    """WHERE clause of the projects ``person`` sees (None: all)."""
    if is_city(person):
        return None
    if person.role == "enterprise":
        return Project.owner_uscc == (person.uscc or "—")
    if person.role != "staff":
        return Project.id < 0
    district = district_of(person)
    mine = Project.officer_id == person.user_id
    if not district:
        return mine
    return or_(mine, Project.region_code == district, Project.found_by == district,
               Project.credited_region == district, Project.shoutan_region == district)


def may_see(person: Person, project: Project) -> bool:
    if is_city(person):
        return True
    if person.role == "enterprise":
        return bool(project.owner_uscc) and project.owner_uscc == person.uscc
    district = district_of(person)
    return bool(roles_on(person, project)) or (district is not None and district in (
        project.found_by, project.credited_region, project.shoutan_region))
