"""Generated enterprises: the matcher agrees with the rules engine's evaluator on every measure,
and every near-miss it proposes flips the status when applied (checked by the rules engine)."""

from datetime import date

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from zhida.matching.match import load_default_policies, match_enterprise
from zhida.rules.evaluate import evaluate

POLICIES = load_default_policies()
REGIONS = ["110105", "110108", "140902", "140921"]
INDUSTRIES = ["3411", "6513", "4811", "5212", "7010", "4411"]


def maybe(strategy):
    return st.one_of(st.none(), strategy)


facts_strategy = st.fixed_dictionaries({
    "entity_type": st.sampled_from(["enterprise", "individual_business"]),
    "region_code": st.sampled_from(REGIONS),
    "industry_code": st.sampled_from(INDUSTRIES),
    "employees": maybe(st.integers(0, 3000)),
    "revenue": maybe(st.integers(0, 2_000_000_000)),
    "total_assets": maybe(st.integers(0, 2_000_000_000)),
    "taxable_income": maybe(st.integers(-1_000_000, 10_000_000)),
    "rd_expense": maybe(st.integers(0, 8_000_000)),
    "core_ip": maybe(st.booleans()),
    "restricted_industry": maybe(st.booleans()),
    "taxpayer_type": maybe(st.sampled_from(["general", "small_scale"])),
    "first_set_purchase.price": maybe(st.integers(0, 6_000_000)),
    "equipment_purchase.date": maybe(st.dates(date(2021, 6, 1), date(2023, 6, 1))),
    "equipment_purchase.unit_value": maybe(st.integers(0, 9_000_000)),
    "equipment_purchase.min_depreciation_years": maybe(st.sampled_from([3, 4, 5, 10, 20])),
})


@settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(facts=facts_strategy, as_of=st.dates(date(2021, 1, 1), date(2025, 12, 31)))
def test_matcher_agrees_with_rules_and_near_misses_flip(facts, as_of):
    facts = {k: v for k, v in facts.items() if v is not None}
    results = match_enterprise(facts, as_of, policies=POLICIES)
    for r in results:
        measure = POLICIES.measures[r.measure_id]
        want = evaluate(measure, facts, as_of, POLICIES)
        assert (r.status, r.amount.value, r.period) == (want.status, want.amount, want.period), r.measure_id
        assert sorted(r.missing) == sorted(want.missing), (r.measure_id, facts, as_of)
        for nm in r.near_miss:
            if nm.kind != "change":
                continue
            for option in [nm.best, *nm.alternatives]:
                changed = {**facts, **{c.fact: c.target for c in option.changes if c.kind != "judge"}}
                changed.update({c.fact: True for c in option.changes if c.kind == "judge"})
                assert evaluate(measure, changed, as_of, POLICIES).status == "eligible", (r.measure_id, option)
