"""The pickers of the push-list filters: districts (GB/T 2260 and the special zones) and industries
(GB/T 4754 门类 with their 大类), as (code, Chinese name) — never a box to type a code into."""

from __future__ import annotations

from functools import cache

from zhida.enterprises import industries, regions


def region_choices(district: str | None = None) -> list[tuple[str, str]]:
    """Every county-level district and special zone; only ``district`` for a user scoped to it."""
    if district is not None:
        return [(district, regions.label(district))]
    return _all_regions()


@cache
def _all_regions() -> list[tuple[str, str]]:
    out = [(d.code, d.name) for d in regions.county_level()]
    return out + [(z.code, z.name) for z in regions.zones().values()]


@cache
def industry_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(门类 letter, name, [(letter + 大类 digits, name)]) in code order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for digits, name in sorted(industries.divisions().items()):
        letter = industries.section_of_division()[digits]
        sections.setdefault(letter, []).append((letter + digits, name))
    return [(letter, industries.name_of(letter) or letter, divisions) for letter, divisions in sorted(sections.items())]


def industry_label(digits: str | None) -> str:
    """The catalogue's digits as the 门类-lettered code and its name: C3511 专用设备…"""
    if not digits:
        return "—"
    try:
        code = industries.normalize(digits)
    except KeyError:
        return digits
    return f"{code} {industries.name_of(code) or ''}".strip()
