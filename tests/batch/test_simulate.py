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

    out = population.parent / "baseline" / "results.parquet"
    out.parent.mkdir(exist_ok=True)
    if not out.exists():
        DuckDBEngine().run(policies, [policies.measure(mid)], AS_OF, population, out)
    results = pq.read_table(out).to_pylist()  # long layout: this one measure is index 0
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
