"""Whose push lists: the measures a user answers for and the district they see.

Staff see the measures of their responsible unit(s) (all measures if none is recorded) and, when
a district is recorded, only enterprises of that district; admins see the whole city."""

from __future__ import annotations

from dataclasses import dataclass

from zhida.enterprises import regions

NOWHERE = "—"  # a district code that matches no enterprise (an unknown district: nobody, not everybody)


@dataclass(frozen=True)
class Scope:
    units: tuple[str, ...] = ()  # only measures of these units; () = every measure
    district: str | None = None  # only enterprises of this district (GB/T 2260 code or zone); None = the city


def visible_measures(policies, scope: Scope) -> list:
    """The enterprise-benefit measures of ``scope``'s units, in the policies' order."""
    measures = [m for m in policies.measures.values() if m.enterprise_benefit]
    if scope.units:
        units = set(scope.units)
        measures = [m for m in measures if units & set(m.responsible_units)]
    return measures


def district_for(scope: Scope, region: str | None) -> str | None:
    """The district to list: the one asked for (a code or any accepted name), held to ``scope``'s
    own district; ``NOWHERE`` when the region is unknown or outside the user's district."""
    asked = None
    if region:
        asked = regions.scope_code_or_none(region) or NOWHERE
    if scope.district is None:
        return asked
    return scope.district if asked in (None, scope.district) else NOWHERE
