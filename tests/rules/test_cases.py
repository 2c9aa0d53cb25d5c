"""Every YAML case through the scalar evaluator and the SQL engines, which must agree."""

import os

import pytest

from zhida.rules import load_policies
from zhida.rules.cases import check_scalar, compare, load_cases, run_sql
from zhida.rules.evaluate import evaluate

POLICIES = load_policies()
CASES = load_cases(POLICIES)


def test_policies_load_without_errors():
    assert [str(e) for e in POLICIES.errors] == []


def test_every_measure_has_cases_covering_each_status():
    by_measure = {}
    for case in CASES:
        by_measure.setdefault(POLICIES.measure(case.measure).id, set()).add(case.expect["status"])
    mine = ["xz2022.first-set-equipment-subsidy", "bj2022.sme-equipment-deduction"]
    for mid in mine:
        assert {"eligible", "ineligible", "undetermined"} <= by_measure[mid], mid


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_case_scalar(case):
    assert check_scalar(case, POLICIES) == []


def test_cases_duckdb_agree_with_scalar():
    rows = run_sql(CASES, POLICIES, "duckdb")
    mismatches = []
    for i, case in enumerate(CASES):
        scalar = evaluate(POLICIES.measure(case.measure), case.facts, case.as_of, POLICIES)
        sql = rows[i]
        if _outcome(scalar) != (sql.status, sql.amount, sorted(sql.failing), sorted(sql.open), sql.least):
            mismatches.append((case.label, _outcome(scalar), sql))
        mismatches += [(case.label, e) for e in compare(case, sql.status, sql.amount, sql.failing, open_ids=sql.open,
                                                          upper=sql.upper, least=sql.least)]
    assert mismatches == []


def _outcome(scalar):
    """What both back ends report: status, amount, failing conditions, open criteria depended on,
    and the known part of a sum (``least``)."""
    return (scalar.status, scalar.amount, sorted(scalar.failing), sorted(o["id"] for o in scalar.open_criteria),
            scalar.amount_least)


@pytest.mark.postgres
def test_cases_postgres_agree_with_scalar():
    url = os.environ.get("ZHIDA_TEST_DATABASE_URL")
    if not url:
        pytest.skip("ZHIDA_TEST_DATABASE_URL not set")
    rows = run_sql(CASES, POLICIES, "postgres", url)
    for i, case in enumerate(CASES):
        scalar = evaluate(POLICIES.measure(case.measure), case.facts, case.as_of, POLICIES)
        assert (rows[i].status, rows[i].amount, sorted(rows[i].failing), sorted(rows[i].open), rows[i].least) == \
            _outcome(scalar), case.label


def test_worked_example_first_set_equipment(policies):
    from datetime import date

    m = policies.measure("xz2022.first-set-equipment-subsidy")
    base = {"entity_type": "enterprise", "region_code": "140902"}
    big = evaluate(m, {**base, "first_set_purchase.price": 5000000}, date(2022, 8, 1), policies)
    assert (big.status, str(big.amount), big.amount_kind) == ("eligible", "300000.00", "exact")
    small = evaluate(m, {**base, "first_set_purchase.price": 2000000}, date(2022, 8, 1), policies)
    assert str(small.amount) == "200000.00"
    beijing = evaluate(m, {**base, "region_code": "110105", "first_set_purchase.price": 5000000}, date(2022, 8, 1), policies)
    assert beijing.status == "not_applicable" and beijing.amount is None
    assert "不在适用地域内" in beijing.reasons


def test_explanation_names_value_threshold_and_quote(policies):
    from datetime import date

    m = policies.measure("bj2022.sme-equipment-deduction")
    facts = {"entity_type": "enterprise", "region_code": "110108", "industry_code": "3411", "employees": 1500,
             "revenue": 500000000, "equipment_purchase.date": "2022-05-10", "equipment_purchase.unit_value": 4000000,
             "equipment_purchase.min_depreciation_years": 3}
    r = evaluate(m, facts, date(2022, 8, 1), policies)
    assert r.status == "ineligible" and sorted(r.failing) == ["sme", "unit_value_over_5m"]
    unit = next(c for c in r.conditions if c.id == "unit_value_over_5m")
    check = unit.checks[0]
    assert (check.facts, check.op, check.value, check.threshold, check.outcome) == \
        (["equipment_purchase.unit_value"], ">", 4000000, 5000000, False)
    assert "400万元" in unit.reason_zh and "500万元" in unit.reason_zh and unit.quote == "单位价值500万元以上的设备器具"
    sme = next(c for c in r.conditions if c.id == "sme")
    assert any(c.facts == ["employees"] and c.outcome is False for c in sme.checks)
    assert any(c.facts == ["revenue"] and c.outcome is False and c.threshold == 400000000 for c in sme.checks)
