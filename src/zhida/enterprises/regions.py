"""Regions: GB/T 2260 county-level codes of the served areas, and special zones (开发区).

A zone is not a GB/T 2260 division; an enterprise in one keeps the host district's code in
``region_code`` and the zone's own code (``bda`` for 北京经济技术开发区, as in the fact catalogue) in ``zone_code``.
Data: ``data/regions.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "regions.json"
_SUFFIXES = ("区", "县", "市")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None
    weight: float  # share of market entities, for the synthetic generator (0 = not generated)


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    host: str  # GB/T 2260 code of the district the zone's enterprises are registered in
    aliases: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Location:
    region_code: str
    zone_code: str | None


@cache
def divisions() -> dict[str, Division]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        d["code"]: Division(d["code"], d["name"], d.get("parent"), float(d.get("weight", 0)))
        for d in raw["divisions"]
    }


@cache
def zones() -> dict[str, Zone]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        z["code"]: Zone(z["code"], z["name"], z["host"], tuple(z.get("aliases", ())), float(z["weight"]))
        for z in raw["zones"]
    }


@cache
def _names() -> dict[str, Location]:
    """Every accepted spelling → location. Short names (朝阳 for 朝阳区) only when unambiguous."""
    table: dict[str, Location] = {}
    short: dict[str, list[str]] = {}
    for d in divisions().values():
        table[d.name] = Location(d.code, None)
        parent = divisions().get(d.parent) if d.parent else None
        if parent:  # 北京市朝阳区, 忻州市忻府区
            table[parent.name + d.name] = Location(d.code, None)
            grand = divisions().get(parent.parent) if parent.parent else None
            if grand:  # 山西省忻州市忻府区
                table[grand.name + parent.name + d.name] = Location(d.code, None)
        if d.name.endswith(_SUFFIXES) and len(d.name) > 2:
            short.setdefault(d.name[:-1], []).append(d.code)
    for stem, codes in short.items():
        if len(codes) == 1 and stem not in table:
            table[stem] = Location(codes[0], None)
    for z in zones().values():
        for spelling in (z.code, z.name, *z.aliases):
            table[spelling] = Location(z.host, z.code)
    return table


def is_known_code(code: str) -> bool:
    return code in divisions()


def resolve(text: str) -> Location:
    """A code or a Chinese name → Location; KeyError with a reason if unknown."""
    value = "".join(str(text).split())
    if value.isdigit():
        if value in divisions():
            return Location(value, None)
        raise KeyError(f"unknown GB/T 2260 region code {value}")
    location = _names().get(value) or _names().get(value.upper())
    if location is None:
        raise KeyError(f"unknown region name {value}")
    return location


def zone_code(text: str) -> str:
    """A special zone's name or code → the zone's own code; KeyError with a reason otherwise."""
    location = resolve(text)
    if location.zone_code is None:
        raise KeyError(f"{text} is a division, not a special zone")
    return location.zone_code


def name_of(code: str) -> str:
    if code in divisions():
        return divisions()[code].name
    return zones()[code].name


def county_level() -> list[Division]:
    """Divisions the generator draws from (those with a weight), in code order."""
    return [d for d in divisions().values() if d.weight > 0]


def scope_code(text: str) -> str:
    """A district (or special zone) given as a code or any accepted name → the one code it is
    compared by everywhere: 110105, 朝阳区 and 北京市朝阳区 → 110105; 经开区 → bda. KeyError if unknown."""
    location = resolve(text)
    return location.zone_code or location.region_code


def scope_code_or_none(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return scope_code(text)
    except KeyError:
        return None


def label(code: str | None) -> str:
    """The Chinese name of a code (the text itself when unknown)."""
    if not code:
        return "—"
    try:
        return name_of(code)
    except KeyError:
        return code
