"""Collective units fanned out to the concrete units they stand for. Each concrete unit becomes
an assignment of its own (it reports and is counted on its own), marked with the phrase as
written and where the phrase stands in the text, for the reviewer to check.

- 各区 / 各区政府 / 各区人民政府 / 各县（市、区）人民政府 / 各区、县级市 … in the document of a province-level
  city or a prefecture: the government of each county-level division under it, from the regions
  dataset (GB/T 2260 divisions only, no 统计用 开发区): 16 for Beijing, 14 for 忻州, 11 for 广州. The
  name keeps the phrase's word for the government: 各区政府 → 东城区政府, 各区人民政府 → 东城区人民政府,
  各区 → 东城区政府.
- 各街道 / 各乡镇 / 各街道（地区）… in a district's or county's document: its 街道（乡镇） — 建外街道办事处,
  南磨房地区办事处, 某镇人民政府.
- 各有关部门 / 各相关部门 / 各部门 / 各有关单位: the units the document itself names in its assignments
  (its 分工; the text gives no other list); 各项目牵头单位 / 各牵头单位: the document's lead units.

A phrase whose scope cannot be known (no jurisdiction found in the document's heading; 各有关区,
“the districts concerned”) stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from zhida.enterprises import regions, streets

_LEVELS = (r"区|县|区县|县区|县市区|县（市、区）|县\(市、区\)|县（区、市）|区（县级市）|区\(县级市\)|区、县级市|区县级市|"
           r"区、县|县、区|县（区）|县（市）|县市")
DISTRICTS = re.compile(rf"^(?:全市)?各(?:{_LEVELS})(?P<suffix>人民政府|政府)?$")
STREETS = re.compile(r"^各(?:街道|乡镇|街乡|街乡镇|镇街|街镇|乡镇（街道）|街道（乡镇）|街道（地区）|乡镇\(街道\)|街道\(乡镇\)|"
                     r"街道\(地区\))(?:办事处|人民政府|政府)?$")
DEPARTMENTS = re.compile(r"^各(?:有关|相关)?(?:部门|单位)$")
LEADS = re.compile(r"^各(?:项目)?(?:牵头|责任)(?:单位|部门)$")


@dataclass(frozen=True)
class Fanned:
    phrase: str  # as the draft lists it (simplified script)
    role: str  # lead, support
    units: tuple[str, ...]
    basis: str  # regions (the division dataset), streets, document (units the document names), leads
    start: int  # the phrase in the document's original text; -1 when not found char for char
    end: int

    def to_json(self) -> dict:
        return {"phrase": self.phrase, "role": self.role, "units": list(self.units), "basis": self.basis,
                "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Assignment:
    unit: str
    role: str  # lead, support
    derived_from: str | None = None  # the collective phrase the unit was fanned out of
    start: int | None = None  # the phrase's offsets in the original text (-1: not char for char)
    end: int | None = None


def assignments(lead: Sequence[str], support: Sequence[str], fanned: Sequence[Fanned]) -> list[Assignment]:
    """Units as listed, each collective phrase of ``fanned`` replaced by its units; each unit once
    (the first role it is given wins: a lead stays lead)."""
    by_phrase = {(f.role, f.phrase): f for f in fanned}
    out: list[Assignment] = []
    seen: set[str] = set()
    for role, units in (("lead", lead), ("support", support)):
        for unit in units:
            source = by_phrase.get((role, unit))
            for name in source.units if source else (unit,):
                if name not in seen:
                    seen.add(name)
                    out.append(Assignment(name, role, source.phrase, source.start, source.end) if source
                               else Assignment(name, role))
    return out


def is_collective(unit: str) -> bool:
    return any(p.match(unit) for p in (DISTRICTS, STREETS, DEPARTMENTS, LEADS))


def _street_office(name: str) -> str:
    return name + ("办事处" if name.endswith(("街道", "地区")) else "人民政府")


def expand(unit: str, jurisdiction: str | None, named: Sequence[str] = (), leads: Sequence[str] = ()
           ) -> tuple[tuple[str, ...], str] | None:
    """The concrete units a collective phrase stands for, and the basis; None if ``unit`` is not a
    collective phrase or its scope is unknown."""
    level = regions.divisions()[jurisdiction].level if jurisdiction in regions.divisions() else None
    found = DISTRICTS.match(unit)
    if found:
        if level not in ("province", "prefecture"):
            return None
        suffix = found.group("suffix") or "政府"
        units = tuple(d.name + suffix for d in regions.counties_of(jurisdiction))
        return (units, "regions") if units else None
    if STREETS.match(unit):
        if level != "county":
            return None
        units = tuple(_street_office(s.name) for s in streets.of_district(jurisdiction))
        return (units, "streets") if units else None
    pool, basis = (named, "document") if DEPARTMENTS.match(unit) else (leads, "leads") if LEADS.match(unit) else ((), "")
    if not basis:
        return None
    units = tuple(dict.fromkeys(u for u in pool if not is_collective(u) and not DISTRICTS.match(u)))
    return (units, basis) if units else None


def fan_out(lead: Sequence[str], support: Sequence[str], *, jurisdiction: str | None, named: Sequence[str],
            leads: Sequence[str], plain: str, start: int, exact: bool) -> list[Fanned]:
    """The phrases among a task's units that fan out. ``plain`` is the task's quote in simplified
    script, at ``start`` in the original; ``exact``: the two have the same length (offsets map)."""
    out = []
    for role, units in (("lead", lead), ("support", support)):
        for unit in units:
            found = expand(unit, jurisdiction, named, leads)
            if found is None:
                continue
            at = plain.find(unit) if exact else -1
            out.append(Fanned(unit, role, found[0], found[1], start + at if at >= 0 else -1,
                              start + at + len(unit) if at >= 0 else -1))
    return out
