"""match_enterprise on profiles and facts: worked examples, events, as-of labels, JSON shape."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from zhida.config import PROJECT_ROOT
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import match_enterprise, summary
from zhida.matching.report import report_json

DATA = Path(__file__).parent / "data"
EXAMPLES = PROJECT_ROOT / "docs" / "examples" / "profiles"
SME_EQUIP = "bj2022.sme-equipment-deduction"


def _by_id(results):
    return {r.measure_id: r for r in results}


def _profile(path: Path) -> EnterpriseProfile:
    return EnterpriseProfile.from_json(path.read_bytes())


def _issue3_buyer(revenue: int) -> dict:
    """Issue 3's worked example: an industrial firm of 1,500 people that bought 600万元 of equipment."""
    return {"entity_type": "enterprise", "region_code": "110108", "industry_code": "3411", "employees": 1500,
            "revenue": revenue, "equipment_purchase.date": date(2022, 5, 10),
            "equipment_purchase.unit_value": 6000000, "equipment_purchase.min_depreciation_years": 3}


def test_issue3_worked_example_1500_employees_3e8_revenue_is_sme(policies):
    # 000 （七）: industry, 1,500 employees but revenue 3亿 < 4亿 → SME for the deduction (OR)
    r = _by_id(match_enterprise(_issue3_buyer(revenue=300000000), date(2022, 8, 1), policies=policies))[SME_EQUIP]
    assert r.status == "eligible"
    # 可选择…一次性税前扣除: the elected deduction, exact (issue 9 §3), not 最高
    assert r.amount.kind == "exact" and r.amount.value == Decimal("6000000.00")
    assert r.amount.text == "600万元（当年可税前扣除额）"
    sme = next(x for x in r.reasons if x.condition == "sme")
    assert sme.outcome is True
    assert "营业收入3亿元，满足“营业收入4亿元以下”" in sme.text
    assert r.near_miss == []  # eligible, no cap: nothing to suggest
    assert r.sources[0] == {"document": "000_094af80e03a20c8c", "doc_number": "京政办发〔2022〕18号",
                            "clause": "3.7", "quote": policies.measure(SME_EQUIP).sources[0].quote,
                            "citation": "《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（七）"}


def test_issue3_worked_example_1500_employees_5e8_revenue_is_not(policies):
    r = _by_id(match_enterprise(_issue3_buyer(revenue=500000000), date(2022, 8, 1), policies=policies))[SME_EQUIP]
    assert r.status == "ineligible"
    sme = next(x for x in r.reasons if x.condition == "sme")
    assert sme.outcome is False
    assert sme.text.endswith("2021年从业人员1,500人，不满足“从业人员1000人以下”；2021年营业收入5亿元，不满足“营业收入4亿元以下”")
    assert sme.quote == "适用政策的中小微企业范围包括"
    assert r.amount.value is None and "单位价值" in r.amount.text  # the rule, not a number
    [nm] = [n for n in r.near_miss if n.kind == "change"]
    assert {c.fact for o in [nm.best, *nm.alternatives] for c in o.changes} == {"revenue", "employees"}


def test_profile_with_two_purchases_reports_the_best_event_and_lists_both(policies):
    r = _by_id(match_enterprise(_profile(DATA / "bj_manufacturer.json"), date(2022, 8, 1), policies=policies))[SME_EQUIP]
    assert r.status == "eligible"
    assert r.event.date == date(2022, 5, 10) and r.event.index == 1
    assert [(e.date, e.status) for e in r.events] == [(date(2022, 3, 15), "ineligible"),
                                                      (date(2022, 5, 10), "eligible")]
    assert r.amount.value == Decimal("3000000.00")  # 10-year life → 50% of 600万
    assert r.events[1].amount == Decimal("3000000.00")


def test_events_after_as_of_are_not_used(policies):
    r = _by_id(match_enterprise(_profile(DATA / "bj_manufacturer.json"), date(2022, 4, 1), policies=policies))
    assert [e.date for e in r[SME_EQUIP].events] == [date(2022, 3, 15)]


def test_as_of_labels_never_hide_a_measure(policies):
    facts = {"entity_type": "enterprise", "region_code": "140902", "taxpayer_type": "small_scale",
             "six_taxes_two_fees_due": 80000}
    measure = policies.measure("xz2022.six-taxes-two-fees")  # 2022-01-01 … 2024-12-31
    before = match_enterprise(facts, date(2021, 6, 1), [measure], policies=policies)[0]
    during = match_enterprise(facts, date(2023, 6, 1), [measure], policies=policies)[0]
    after = match_enterprise(facts, date(2025, 3, 1), [measure], policies=policies)[0]
    assert (before.period, during.period, after.period) == ("not_yet_effective", "in_force", "expired")
    assert before.status == during.status == after.status == "eligible"
    assert after.amount.value == Decimal("40000.00")
    # every measure is reported at any date, whatever its period
    assert len(match_enterprise(facts, date(2030, 1, 1), policies=policies)) == len(policies.measures)


def test_expired_amounts_are_not_in_the_total(policies):
    facts = {"entity_type": "enterprise", "region_code": "140902", "taxpayer_type": "small_scale",
             "six_taxes_two_fees_due": 80000}
    measure = policies.measure("xz2022.six-taxes-two-fees")
    during = match_enterprise(facts, date(2023, 6, 1), [measure], policies=policies)
    after = match_enterprise(facts, date(2025, 3, 1), [measure], policies=policies)
    # 六税两费 is a tax relief: counted under 减免, not as money received (issue 9 §4)
    assert summary(during)["totals"].buckets["relief"].total == Decimal("40000.00")
    assert summary(during)["eligible_total"] == Decimal("0")
    assert summary(after)["totals"].buckets["relief"].total == Decimal("0")


def test_missing_facts_make_undetermined_and_are_listed_with_labels(policies):
    facts = {"entity_type": "enterprise", "region_code": "140902"}
    r = match_enterprise(facts, date(2022, 8, 1), [policies.measure("xz2022.first-set-equipment-subsidy")],
                         policies=policies)[0]
    assert r.status == "undetermined"
    assert r.missing == ["first_set_purchase.price"]
    out = report_json([r], date(2022, 8, 1), policies)["results"][0]
    assert out["missing"] == [{"fact": "first_set_purchase.price", "label": "首台（套）重大技术装备首购首用·购买价格"}]
    [nm] = out["near_miss"]
    assert nm["change"][0]["kind"] == "supply" and nm["change"][0]["requirement"] == "超过0元"


def test_shared_benefit_is_counted_once_in_the_total(policies):
    # a Chaoyang micro manufacturer: 000 （六） (Beijing) and 002 1.1.1 (Chaoyang) are one benefit
    facts = {"entity_type": "enterprise", "region_code": "110105", "industry_code": "3411", "employees": 10,
             "revenue": 2000000, "total_assets": 3000000, "vat_stock_credit": 100000, "vat_incremental_credit": 50000}
    ids = ["bj2022mfg.vat-credit-refund-small-micro", "cy2022.vat-credit-refund"]
    results = match_enterprise(facts, date(2022, 6, 1), [policies.measure(i) for i in ids], policies=policies)
    assert [r.status for r in results] == ["eligible", "eligible"]
    assert {r.benefit for r in results} == {"cn.vat-credit-refund"}
    assert [r.amount.value for r in results] == [Decimal("150000.00"), Decimal("100000.00")]
    s = summary(results)
    # both still wait for the open criterion 符合条件: 待认定, counted once
    assert s["totals"].buckets["pending"].total == Decimal("150000.00")  # not 250,000
    assert s["eligible_total"] == Decimal("0")
    assert s["shared_benefits"] == ["cn.vat-credit-refund"]


def test_unknown_fact_in_a_facts_dict_is_a_one_line_error(policies):
    from zhida.errors import RuleError

    with pytest.raises(RuleError, match="facts.employes"):
        match_enterprise({"employes": 5}, date(2022, 8, 1), policies=policies)


def test_json_shape(policies):
    profile = _profile(EXAMPLES / "industrial_sme_equipment_2022.json")
    report = report_json(match_enterprise(profile, date(2022, 8, 1), policies=policies), date(2022, 8, 1), policies,
                         {"uscc": profile.uscc, "name": profile.name})
    json.dumps(report, ensure_ascii=False)  # plain JSON types only
    assert set(report) == {"schema", "as_of", "enterprise", "summary", "results"}
    assert len(report["results"]) == len(policies.measures)
    for r in report["results"]:
        assert {"measure_id", "title", "status", "period", "amount", "reasons", "missing", "open_criteria",
                "near_miss", "sources"} <= set(r)
        assert set(r["amount"]) == {"kind", "value", "upper", "currency", "unit", "text", "least", "payers"}
        assert r["status"] in ("eligible", "ineligible", "undetermined", "not_applicable")
        for x in r["reasons"]:
            assert set(x) == {"condition", "outcome", "text", "quote"}
        for n in r["near_miss"]:
            assert {"kind", "change", "alternatives", "text"} <= set(n)
        for s in r["sources"]:
            assert set(s) == {"document", "doc_number", "clause", "quote", "citation"}
    r = next(x for x in report["results"] if x["measure_id"] == SME_EQUIP)
    assert r["status"] == "eligible" and r["amount"]["value"] == "3000000.00" and r["amount"]["currency"] == "CNY"
