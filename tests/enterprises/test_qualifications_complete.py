"""Issue 9 §2: listing one qualification type does not make every other type 'none' unless the
profile says the list is complete (``qualifications_complete``); a type stated as not held
(``held: false``, a CSV 否) is 'none' either way. Scalar facts, the Arrow table the batch engines
read, the CSV importer and the store round trip agree."""

from __future__ import annotations

import datetime as dt

from zhida.enterprises import uscc
from zhida.enterprises.columns import plan_columns, row_to_profile
from zhida.enterprises.facts import profile_to_facts, profiles_to_table
from zhida.enterprises.profile import EnterpriseProfile

AS_OF = dt.date(2022, 6, 30)


def profile(**extra) -> EnterpriseProfile:
    return EnterpriseProfile(uscc=uscc.make("9", "1", "110105", "MA01AB3C"), name="甲", region_code="朝阳",
                             industry_code="C3911", entity_type="enterprise", **extra)


def quals(p: EnterpriseProfile) -> dict:
    facts = profile_to_facts(p, AS_OF)
    return {k: facts[k] for k in ("high_tech_enterprise", "tech_sme", "srdi_level", "little_giant_level")}


def test_listing_one_type_leaves_the_others_unknown():
    p = profile(qualifications=[{"type": "high_tech"}])
    assert quals(p) == {"high_tech_enterprise": True, "tech_sme": None, "srdi_level": None,
                        "little_giant_level": None}


def test_a_complete_list_makes_the_others_none():
    p = profile(qualifications=[{"type": "high_tech"}], qualifications_complete=True)
    assert quals(p) == {"high_tech_enterprise": True, "tech_sme": False, "srdi_level": "none",
                        "little_giant_level": "none"}


def test_a_type_stated_as_not_held_is_none_without_a_complete_list():
    p = profile(qualifications=[{"type": "zjtx_sme", "held": False}])
    assert quals(p) == {"high_tech_enterprise": None, "tech_sme": None, "srdi_level": "none",
                        "little_giant_level": None}


def test_an_empty_list_is_all_unknown_unless_complete():
    assert set(quals(profile(qualifications=[])).values()) == {None}
    assert quals(profile(qualifications=[], qualifications_complete=True)) == {
        "high_tech_enterprise": False, "tech_sme": False, "srdi_level": "none", "little_giant_level": "none"}


def test_the_batch_table_agrees_with_the_scalar_facts():
    profiles = [profile(qualifications=[{"type": "high_tech"}]),
                profile(qualifications=[{"type": "high_tech"}], qualifications_complete=True)]
    table = profiles_to_table(profiles, AS_OF, period_names=[]).to_pylist()
    for p, row in zip(profiles, table, strict=True):
        assert {k: row[k] for k in quals(p)} == quals(p)


def test_csv_no_cell_is_not_held_and_the_complete_column_is_read():
    header = ["统一社会信用代码", "企业名称", "注册地", "行业代码", "高新技术企业", "专精特新", "资质清单完整"]
    plan, warnings = plan_columns(header, {})
    assert warnings == []
    row = [uscc.make("9", "1", "110105", "MA01AB3C"), "甲", "朝阳", "C3911", "是", "否", ""]
    p, errors = row_to_profile(row, plan, None)
    assert errors == []
    assert quals(p) == {"high_tech_enterprise": True, "tech_sme": None, "srdi_level": "none",
                        "little_giant_level": None}
    row[-1] = "是"
    p, errors = row_to_profile(row, plan, None)
    assert errors == [] and p.qualifications_complete is True
    assert quals(p)["tech_sme"] is False and quals(p)["little_giant_level"] == "none"


def test_a_measure_needing_an_unlisted_type_is_undetermined_and_names_it():
    from zhida.matching.match import match_enterprise

    def voucher(p):
        [r] = [r for r in match_enterprise(p, AS_OF) if r.measure_id == "zjtx2021.service-voucher"]
        return r

    open_list = voucher(profile(qualifications=[{"type": "high_tech"}]))
    assert open_list.status == "undetermined" and "srdi_level" in str(open_list.missing)
    assert voucher(profile(qualifications=[{"type": "high_tech"}], qualifications_complete=True)).status == "ineligible"


def test_staff_answer_not_held_for_one_type_leaves_the_others_as_they_were():
    from zhida.enterprises.fact_edit import supply

    p = supply(profile(qualifications=[{"type": "high_tech"}]), "srdi_level", "none", AS_OF)
    assert quals(p) == {"high_tech_enterprise": True, "tech_sme": None, "srdi_level": "none",
                        "little_giant_level": None}
    p = supply(p, "srdi_level", "provincial", AS_OF)
    assert quals(p)["srdi_level"] == "provincial"
