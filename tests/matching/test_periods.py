"""Facts in time (issue 9 §1): periods in profiles and in the rule expression language."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from zhida.enterprises.facts import period_value_and_missing, profile_to_facts
from zhida.enterprises.profile import EnterpriseProfile
from zhida.errors import RuleError
from zhida.matching.match import match_enterprise
from zhida.rules import periods
from zhida.rules.engine import run_duckdb
from zhida.rules.expr import Scope, parse, typecheck

AS_OF = dt.date(2022, 12, 31)
VAT = "xz2022.small-scale-vat-exemption"
CHAIN = "xz2022.chain-leader-revenue-milestone-reward"
XINZHOU = {"uscc": "91110105MA01ABCD13", "name": "忻州样例", "region_code": "140902", "industry_code": "F5212",
           "entity_type": "enterprise", "taxpayer_type": "small_scale"}


def _profile(**extra) -> EnterpriseProfile:
    return EnterpriseProfile.model_validate({**XINZHOU, **extra})


def _one(profile, mid, policies, as_of=AS_OF):
    return match_enterprise(profile, as_of, [policies.measure(mid)], policies=policies)[0]


# --- the period module -----------------------------------------------------------------------

@pytest.mark.parametrize("text,key,kind", [
    ("2021", "2021", "year"), (2021, "2021", "year"), ("2022q2", "2022Q2", "quarter"), ("2022-04", "2022-04", "month"),
    ("2022-04-01..2022-12-31", "2022-04-01..2022-12-31", "range"), ("2022-04-01..2022-06-30", "2022Q2", "quarter"),
    ("2022-01-01..2022-12-31", "2022", "year"), ("2022-05-01..2022-05-31", "2022-05", "month"),
])
def test_periods_parse_to_one_canonical_key(text, key, kind):
    p = periods.parse_period(text)
    assert (p.key, p.kind) == (key, kind)


@pytest.mark.parametrize("bad", ["21", "2022Q5", "2022-13", "2022-12-31..2022-01-01", "2022-02-30..2022-03-01", "last"])
def test_malformed_periods_are_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="期间"):
        periods.parse_period(bad)


def test_relative_specs_and_column_names():
    assert periods.canonical_spec("year-1") == "last_year" and periods.canonical_spec("year-0") == "this_year"
    assert periods.resolve("year-3", AS_OF).key == "2019"
    assert periods.column_name("revenue@2021") == "revenue__p2021"
    assert periods.column_name("revenue@2022Q2") == "revenue__p2022q2"
    assert periods.column_name("revenue@2022-04") == "revenue__p2022_04"
    assert periods.column_name("revenue@2022-04-01..2022-12-31") == "revenue__p20220401_20221231"
    assert periods.column_name("revenue@year-2") == "revenue__year_m2"
    assert periods.year_specs("year-3..year-1") == ["year-3", "year-2", "last_year"]
    assert periods.year_specs("2019..2021") == ["2019", "2020", "2021"]
    assert periods.spec_label("last_year", AS_OF) == "2021年" and periods.spec_label("last_year") == "上年度"


# --- the expression language -----------------------------------------------------------------

def test_at_and_functions_become_period_facts(policies):
    scope = Scope(policies.catalogue)
    node = parse("revenue@2021 >= 1000000000 AND SUM_OVER(revenue, 'year-3..year-1') > 0", "t")
    assert typecheck(node, scope, "t").kind == "boolean"
    names = {c.name for c in node.find_all(__import__("sqlglot").exp.Column)}
    assert names == {"revenue@2021", "revenue@year-3", "revenue@year-2", "revenue@last_year"}
    assert "MAX_OVER" not in parse("MAX_OVER(revenue, '2019..2021') < 5", "t").sql()
    assert parse("PERIOD(revenue, 'policy') > 0", "t", "2022-04-01..2022-12-31").find(
        __import__("sqlglot").exp.Column).name == "revenue@2022-04-01..2022-12-31"


@pytest.mark.parametrize("text,message", [
    ("revenue@policy > 0", "'policy' needs the measure's period"),
    ("region_code@2021 = '110105'", "not a yearly fact"),
    ("MAX_OVER(revenue, '2022Q2') > 0", "needs a range of years"),
    ("PERIOD(revenue, 'someday') > 0", "无法识别的期间"),
])
def test_period_mistakes_are_rule_errors(policies, text, message):
    with pytest.raises(RuleError, match=message):
        typecheck(parse(text, "t"), Scope(policies.catalogue), "t")


# --- profiles: figures by year, quarter, month and range -----------------------------------------

def test_flow_over_a_range_is_summed_from_months_and_quarters():
    p = _profile(figures={"2022Q2": {"other": {"small_scale_sales_at_3pct": 300000}},
                          "2022-07": {"other": {"small_scale_sales_at_3pct": 100000}},
                          "2022-08": {"other": {"small_scale_sales_at_3pct": 100000}},
                          "2022-09": {"other": {"small_scale_sales_at_3pct": 100000}},
                          "2022Q4": {"other": {"small_scale_sales_at_3pct": "400000.50"}}})
    value, missing = period_value_and_missing(p, "small_scale_sales_at_3pct", periods.parse_period("2022-04-01..2022-12-31"))
    assert (value, missing) == (Decimal("1000000.50"), [])


def test_vat_exemption_reads_the_policy_window_from_monthly_figures(policies):
    months = {f"2022-{m:02d}": {"other": {"small_scale_sales_at_3pct": 100000}} for m in range(1, 13)}
    r = _one(_profile(figures=months), VAT, policies)
    assert r.status == "eligible"
    assert r.amount.value == Decimal("27000.00")  # April–December only: 9 × 100,000 × 3%


def test_a_missing_month_leaves_the_amount_undetermined_naming_the_period(policies):
    months = {f"2022-{m:02d}": {"other": {"small_scale_sales_at_3pct": 100000}} for m in range(4, 13) if m != 7}
    p = _profile(figures=months)
    value, missing = period_value_and_missing(p, "small_scale_sales_at_3pct", periods.parse_period("2022-04-01..2022-12-31"))
    assert value is None and [m.key for m in missing] == ["2022-07"]
    r = _one(p, VAT, policies)
    assert r.amount.value is None
    assert r.missing == ["small_scale_sales_at_3pct@2022-04-01..2022-12-31"]
    from zhida.rules.describe import label

    assert label(r.missing[0], policies) == "2022年4月1日至2022年12月31日适用3%征收率的应税销售收入"


def test_first_time_milestone_reads_earlier_years(policies):
    years = {"2021": {"revenue": 1200000000}, "2020": {"revenue": 900000000}, "2019": {"revenue": 800000000},
             "2018": {"revenue": 700000000}}
    p = _profile(other_facts={"chain_leader": True}, figures=years)
    assert _one(p, CHAIN, policies).status == "eligible"
    years["2019"] = {"revenue": 1100000000}  # reached in 2019 already: not the first time
    assert _one(_profile(other_facts={"chain_leader": True}, figures=years), CHAIN, policies).status == "ineligible"
    del years["2019"]
    r = _one(_profile(other_facts={"chain_leader": True}, figures=years), CHAIN, policies)
    assert r.status == "undetermined" and r.missing == ["revenue@year-3"]


def test_reasons_name_the_year_of_a_yearly_figure(policies):
    p = _profile(other_facts={"chain_leader": True}, figures={"2021": {"revenue": 900000000}})
    r = _one(p, CHAIN, policies)
    assert "2021年营业收入9亿元" in " ".join(x.text for x in r.reasons)


def test_bare_yearly_fact_is_still_last_year_and_sums_quarters():
    quarters = {f"2021Q{q}": {"revenue": 1000000} for q in range(1, 5)}
    facts = profile_to_facts(_profile(figures=quarters), AS_OF, period_names=["revenue@2021", "revenue@this_year"])
    assert facts["revenue"] == facts["revenue@2021"] == Decimal("4000000")
    assert facts["revenue@this_year"] is None


# --- engines agree on a generated population with multi-year and monthly figures -----------------

def _random_profile(rng: random.Random, i: int) -> EnterpriseProfile:
    from zhida.enterprises import uscc

    figures: dict = {}
    for year in range(2017, 2023):
        if rng.random() < 0.85:
            figures[str(year)] = {"revenue": rng.choice([5e8, 9e8, 1e9, 1.2e9, 4.9e9, 5e9, 6e9, 1.1e10]),
                                  "employees": rng.randint(0, 2000),
                                  "other": {"local_sourcing_rate": f"{rng.uniform(0.2, 0.6):.4f}"}}
    for m in range(1, 13):
        if rng.random() < 0.9:
            figures.setdefault(f"2022-{m:02d}", {})["other"] = {"small_scale_sales_at_3pct": rng.randint(0, 300000)}
    return EnterpriseProfile.model_validate({
        **XINZHOU, "uscc": uscc.make("9", "1", "140902", f"MA{i:06d}"), "name": f"样例{i}",
        "taxpayer_type": rng.choice(["small_scale", "general", None]),
        "other_facts": {"chain_leader": rng.random() < 0.7}, "figures": figures})


def test_duckdb_and_matching_agree_on_profiles_with_periods(policies):
    rng = random.Random(9)
    profiles = [_random_profile(rng, i) for i in range(150)]
    measures = [policies.measure(m) for m in (VAT, CHAIN, "xz2022.chain-leader-local-sourcing-reward")]
    names = policies.catalogue.period_names()
    rows = []
    for p in profiles:
        facts = profile_to_facts(p, AS_OF, period_names=names)
        rows.append({**facts, "enterprise_id": p.uscc})
    sql = run_duckdb(measures, rows, AS_OF, policies)
    statuses = set()
    for p in profiles:
        for got in match_enterprise(p, AS_OF, measures, policies=policies):
            ref = sql[p.uscc][got.measure_id]
            assert (ref.status, ref.amount) == (got.status, got.amount.value), (p.uscc, got.measure_id)
            statuses.add((got.measure_id, got.status))
    assert {s for _, s in statuses} >= {"eligible", "ineligible", "undetermined"}


# --- profile semantics (issue 9 §2) ------------------------------------------------------------

@pytest.mark.parametrize("word,level", [("北京市级", "provincial"), ("国家级", "national"), ("区级", "municipal")])
def test_level_words_a_beijing_user_writes_are_accepted(word, level):
    p = _profile(qualifications=[{"type": "zjtx_sme", "level": word}])
    assert p.qualifications[0].level == level
    assert profile_to_facts(p, AS_OF)["srdi_level"] == level


def test_certificate_without_end_date_counts_where_the_source_sets_no_validity(policies):
    p = EnterpriseProfile.model_validate({**XINZHOU, "region_code": "110108", "industry_code": "C3911",
                                          "qualifications": [{"type": "zjtx_sme", "level": "北京市级"}]})
    r = _one(p, "bj2022mfg.srdi-listing-reserve", policies, dt.date(2022, 8, 1))
    assert r.status == "eligible", r.reasons


def test_a_bare_section_letter_keeps_manufacturing_decidable(policies):
    from zhida.matching.evaluator import new_evaluator

    p = _profile(industry_code="C")
    facts = profile_to_facts(p, AS_OF)
    assert facts["industry_code"] is None and facts["industry_section"] == "C"
    assert new_evaluator(facts, AS_OF, policies).lookup("manufacturing") is True
    retail = profile_to_facts(_profile(industry_code="F"), AS_OF)
    assert new_evaluator(retail, AS_OF, policies).lookup("manufacturing") is False


def test_profile_judgements_change_results(policies):
    from zhida.matching.match import match_enterprise as match

    p = EnterpriseProfile.model_validate({**XINZHOU, "other_facts": {"chain_leader": True},
                                          "figures": {"2021": {"other": {"local_sourcing_rate": "0.40"}},
                                                      "2020": {"other": {"local_sourcing_rate": "0.30"}}}})
    measure = [policies.measure("xz2022.chain-leader-local-sourcing-reward")]
    open_result = match(p, AS_OF, measure, policies=policies)[0]
    assert open_result.status == "eligible" and [o["id"] for o in open_result.open_criteria] == ["reward_rate"]
    judged = p.model_copy(update={"judgements": EnterpriseProfile.model_validate(
        {**XINZHOU, "judgements": {"open.reward_rate": {"met": False, "by": "市工信局", "on": "2022-12-01"}}}).judgements})
    closed = match(judged, AS_OF, measure, policies=policies)[0]
    assert closed.status == "ineligible" and closed.open_criteria == []
    with pytest.raises(ValueError, match="“Bad Id”不是未量化标准的标识"):
        EnterpriseProfile.model_validate({**XINZHOU, "judgements": {"Bad Id": {"met": True, "by": "x"}}})
