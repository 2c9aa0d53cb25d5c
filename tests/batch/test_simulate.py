"""Microsimulation: what-ifs on caps and thresholds move exactly the enterprises they should."""

from __future__ import annotations

from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from zhida.batch.simulate import simulate
from zhida.errors import RuleError

from .conftest import AS_OF


def test_lower_cap_moves_exactly_the_enterprises_above_it(policies, population):
    mid = "cy2022.sme-rd-reward"  # 研发费用 × 20%, capped at 100万元
    sim = simulate(policies, population, AS_OF, [f"{mid}.amount.cap=100000"], movers_limit=10_000)
    [entry] = sim.measures
    base, reform = entry["baseline"], entry["reform"]
    assert base["eligible"] == reform["eligible"] > 0
    losers = [m for m in sim.movers if m["measure_id"] == mid]
    assert losers and all(Decimal(m["baseline"]["amount"]) > 100000 for m in losers)
    assert all(Decimal(m["reform"]["amount"]) == 100000 for m in losers)
    assert all(Decimal(m["change"]) == 100000 - Decimal(m["baseline"]["amount"]) for m in losers)
    assert Decimal(base["cost"]) - Decimal(reform["cost"]) == -sum(Decimal(m["change"]) for m in losers)
    assert losers[0]["losers"] == len(losers) and losers[0]["gainers"] == 0
    # by district: the baseline counts add up to the overall count
    assert sum(d["measures"][mid]["eligible"] for d in sim.by_district) == base["eligible"]
    assert sum(d["measures"][mid]["eligible"] for d in sim.by_industry) == base["eligible"]


def test_lower_threshold_admits_exactly_the_enterprises_between(policies, population):
    mid, cond = "bj2022.sme-equipment-deduction", "unit_value_over_5m"
    sim = simulate(policies, population, AS_OF, [f"{mid}.conditions.{cond}.threshold=3000000"], movers_limit=10_000)
    gainers = {m["uscc"] for m in sim.movers}
    # expected from the baseline batch: failing only on the 500万元 condition, with 300万 < value ≤ 500万
    from zhida.batch.engines import STATUS_CODES, DuckDBEngine
    from zhida.batch.packed import read_pairs

    out = population.parent / "baseline" / "results.parquet"
    out.parent.mkdir(exist_ok=True)
    if not out.exists():
        DuckDBEngine().run(policies, [policies.measure(mid)], AS_OF, population, out)
    results = read_pairs(out, [policies.measure(mid)]).to_pylist()  # this one measure is index 0
    facts = {r["uscc"]: r for r in pq.read_table(population).to_pylist()}
    ids = [c.id for c in policies.measure(mid).conditions]
    bit = 1 << ids.index(cond)
    expected = {r["uscc"] for r in results
                if r["measure"] == 0 and r["status"] == STATUS_CODES["ineligible"] and r["failing"] == bit
                and Decimal(3_000_000) < facts[r["uscc"]]["equipment_purchase__unit_value"] <= Decimal(5_000_000)}
    assert gainers == expected and expected
    assert all(m["baseline"]["status"] == "ineligible" and m["reform"]["status"] == "eligible" for m in sim.movers)


def test_bad_paths_are_one_line_errors(policies, population):
    with pytest.raises(RuleError, match="no such measure"):
        simulate(policies, population, AS_OF, ["nosuch.measure.amount.cap=1"])
    with pytest.raises(RuleError, match="conditions: sme"):
        simulate(policies, population, AS_OF, ["cy2022.sme-rd-reward.conditions.nosuch.threshold=1"])
    with pytest.raises(RuleError, match="not a number"):
        simulate(policies, population, AS_OF, ["cy2022.sme-rd-reward.amount.cap=lots"])


def test_numbers_are_addressed_in_reading_order():
    import sqlglot

    from zhida.batch.simulate import _numbers

    node = sqlglot.parse_one("a > 1 AND (b < 2 OR c * 3 > 4) AND d = 5")
    assert [n.sql() for n in _numbers(node)] == ["1", "2", "3", "4", "5"]


def test_listed_parameters_are_the_paths_simulate_changes(policies, population):
    from zhida.batch.simulate import parameters

    mid = "bj2022.sme-equipment-deduction"
    listed = {p.path: p for p in parameters(policies.measure(mid))}
    assert listed["conditions.unit_value_over_5m.1"].value == "5000000"
    assert listed["conditions.bought_in_2022.2"].kind == "date"
    assert "conditions.depreciation_life_listed.1" not in listed  # IN (3, 4, 5, 10): codes, not a parameter
    same = simulate(policies, population, AS_OF, [f"{mid}.conditions.unit_value_over_5m.1=5000000"])
    assert same.movers == [] and same.measures[0]["movers"] == {"changed": 0, "gainers": 0, "losers": 0}
    by_path = simulate(policies, population, AS_OF, [f"{mid}.conditions.unit_value_over_5m.1=3000000"], movers_limit=10_000)
    by_threshold = simulate(policies, population, AS_OF, [f"{mid}.conditions.unit_value_over_5m.threshold=3000000"],
                            movers_limit=10_000)
    assert by_path.movers == by_threshold.movers and by_path.movers
    assert {m["direction"] for m in by_path.movers} == {"gain"}
    assert by_path.measures[0]["movers"]["gainers"] == len(by_path.movers)


def test_movers_list_the_largest_gains_and_losses_each(policies, population):
    mid = "cy2022.sme-rd-reward"
    everyone = simulate(policies, population, AS_OF, [f"{mid}.amount.cap=100000"], movers_limit=10_000)
    top = simulate(policies, population, AS_OF, [f"{mid}.amount.cap=100000"], movers_limit=3)
    assert len(everyone.movers) > 3 and {m["direction"] for m in everyone.movers} == {"loss"}
    assert top.movers == everyone.movers[:3]  # largest losses first
    assert top.measures[0]["movers"]["losers"] == len(everyone.movers)


def test_a_district_only(policies, population):
    mid = "bj2022.sme-equipment-deduction"
    facts = pq.read_table(population, columns=["uscc", "region_code"]).to_pylist()
    chaoyang = {r["uscc"] for r in facts if r["region_code"] == "110105"}
    sim = simulate(policies, population, AS_OF, [f"{mid}.conditions.unit_value_over_5m.1=100000"],
                   movers_limit=10_000, region_code="110105")
    assert sim.enterprises == len(chaoyang) > 0
    assert {m["uscc"] for m in sim.movers} <= chaoyang and sim.movers
    assert {d["district"] for d in sim.by_district} == {"110105"}
    nobody = simulate(policies, population, AS_OF, [f"{mid}.amount.expr.2=0.5"], region_code="999999")
    assert nobody.enterprises == 0 and nobody.measures[0]["baseline"]["eligible"] == 0
