"""Where an application goes: the measure's responsible unit at the enterprise's level.

A measure of a district (its jurisdiction lists only county-level codes, e.g. 110105) is handled
by that district's unit (区级): the application carries the enterprise's district, and only
staff of the unit in that district (or staff of the unit not tied to a district) see and act on
it. A measure of the city (or wider: 110000, 国家, 省) is handled by the city unit (市级).
The unit is the first responsible unit the measure names; the payer is the finance unit it names
at the same level (…财政局), or the routed unit itself when it names none.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhida.errors import ZhidaError

CITY, DISTRICT = "市级", "区级"


@dataclass(frozen=True)
class Route:
    level: str
    unit: str
    district: str | None  # 区级: the enterprise's district code
    payer_unit: str


def is_district_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and not code.endswith("00")


def _units(measure) -> list[str]:
    units = [u for u in measure.responsible_units if u and u != "各区政府"]
    if not units:
        raise ZhidaError("measure_id", f"{measure.title}未载明责任单位，无法受理申请")
    return units


def payer_unit(measure) -> str:
    """The unit that pays for ``measure``: the finance unit it names (…财政局), else its first unit."""
    units = _units(measure)
    return next((u for u in units if "财政" in u), units[0])


def route(measure, enterprise_region: str | None) -> Route:
    units = _units(measure)
    jurisdiction = [str(j) for j in measure.jurisdiction or ()]
    district_level = bool(jurisdiction) and all(is_district_code(j) for j in jurisdiction)
    if district_level:
        if not enterprise_region or enterprise_region not in jurisdiction:
            raise ZhidaError("region_code", "企业所在区与该政策的适用区域不符，不能申请")
        return Route(DISTRICT, units[0], enterprise_region, payer_unit(measure))
    return Route(CITY, units[0], None, payer_unit(measure))
