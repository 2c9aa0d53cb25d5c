"""The profile format, the worked examples in docs/, and profile → facts as of a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from zhida import config
from zhida.enterprises import uscc
from zhida.enterprises.facts import arrow_schema, event_fact_rows, profile_to_facts, profiles_to_table
from zhida.enterprises.profile import EnterpriseProfile

EXAMPLES = sorted((config.PROJECT_ROOT / "docs" / "examples" / "profiles").glob("*.json"))


def load(name: str) -> EnterpriseProfile:
    return EnterpriseProfile.from_json((config.PROJECT_ROOT / "docs/examples/profiles" / name).read_bytes())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate_and_round_trip(path: Path):
    profile = EnterpriseProfile.from_json(path.read_bytes())
    assert EnterpriseProfile.from_json(profile.to_json()) == profile


def test_one_example_per_seed_beneficiary():
    assert {p.stem for p in EXAMPLES} >= {"chaoyang_service_micro_rent", "xinzhou_manufacturer_first_set",
                                          "beijing_zjtx_little_giant", "industrial_sme_equipment_2022",
                                          "third_party_investment_agency"}


def test_facts_as_of_a_date():
    giant = load("beijing_zjtx_little_giant.json")
    facts = profile_to_facts(giant, dt.date(2022, 12, 31))
    assert facts["region_code"] == "110115" and facts["special_zone"] == "bda"
    assert facts["industry_code"] == "3911"
    assert facts["employees"] == 260 and facts["revenue"] == Decimal("180000000.00")  # 2021 = last full year
    assert facts["graduates_hired"] == 12  # 本年度
    assert facts["little_giant_level"] == "national" and facts["srdi_level"] == "provincial"
    assert facts["high_tech_enterprise"] is True
    # a year later the certificates have lapsed and the 2022 figures are not in the profile
    later = profile_to_facts(giant, dt.date(2024, 1, 15))
    assert later["high_tech_enterprise"] is False and later["srdi_level"] == "none"
    assert later["employees"] is None and later["revenue"] is None  # unknown, never 0


def test_missing_is_unknown_not_zero_or_false():
    profile = EnterpriseProfile(uscc=uscc.make("9", "1", "110105", "MA01AB3C"), name="甲", region_code="朝阳",
                                industry_code="L72", entity_type="enterprise")
    facts = profile_to_facts(profile, dt.date(2022, 6, 30))
    for name in ("employees", "revenue", "high_tech_enterprise", "srdi_level", "ownership",
                 "equipment_purchase.unit_value", "premises_state_owned"):
        assert facts[name] is None, name
    assert facts["special_zone"] == "none"


def test_events_in_focus_and_one_row_per_event():
    maker = load("xinzhou_manufacturer_first_set.json")
    rows = event_fact_rows(maker, dt.date(2022, 12, 31))
    assert len(rows) == 2
    assert {r["first_set_purchase.price"] for r in rows} == {Decimal("2800000.00")}
    before = profile_to_facts(maker, dt.date(2022, 4, 1))  # first-set purchase not yet made
    assert before["first_set_purchase.price"] is None and before["equipment_purchase.unit_value"] is not None


def test_catalogue_checked_extensions_and_exact_money():
    base = {"uscc": uscc.make("9", "1", "110105", "MA01AB3C"), "name": "甲", "region_code": "110105",
            "industry_code": "L72", "entity_type": "enterprise"}
    with pytest.raises(ValidationError, match="“no_such_fact”不是事实目录中的事实"):
        EnterpriseProfile.model_validate({**base, "other_facts": {"no_such_fact": 1}})
    with pytest.raises(ValidationError, match="事件 loan 在事实目录中没有属性“x”"):
        EnterpriseProfile.model_validate({**base, "events": [{"type": "loan", "date": "2022-01-01", "x": 1}]})
    with pytest.raises(ValidationError, match="2 decimal places"):
        EnterpriseProfile.model_validate({**base, "figures": {"2021": {"revenue": "1.234"}}})
    with pytest.raises(ValidationError, match="校验位错误"):
        EnterpriseProfile.model_validate({**base, "uscc": base["uscc"][:17] + "0"})
    exact = EnterpriseProfile.model_validate_json(
        '{"uscc": "%s", "name": "甲", "region_code": "110105", "industry_code": "L72", '
        '"entity_type": "enterprise", "figures": {"2021": {"revenue": 0.1}}}' % base["uscc"])
    assert exact.figures[2021].revenue == Decimal("0.1")


def test_columnar_facts_for_many_profiles():
    table = profiles_to_table([load(p.name) for p in EXAMPLES], dt.date(2022, 12, 31))
    assert table.schema.remove_metadata() == arrow_schema()
    assert table.num_rows == len(EXAMPLES)
    assert sorted(table["uscc"].to_pylist()) == sorted(load(p.name).uscc for p in EXAMPLES)
