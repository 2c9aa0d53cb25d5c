"""Near-misses: computed from the condition AST, and every suggested change really flips the
status when applied and re-evaluated by the rules engine's own evaluator."""

from datetime import date
from decimal import Decimal

from zhida.matching.match import match_enterprise
from zhida.rules.cases import load_cases
from zhida.rules.evaluate import evaluate

AS_OF = date(2022, 8, 1)
BJ_FACTORY = {"entity_type": "enterprise", "region_code": "110108", "industry_code": "3411",
              "equipment_purchase.date": date(2022, 5, 10), "equipment_purchase.unit_value": 6000000,
              "equipment_purchase.min_depreciation_years": 3}


def _one(policies, measure_id, facts, as_of=AS_OF):
    return match_enterprise(facts, as_of, [policies.measure(measure_id)], policies=policies)[0]


def _applied(facts, option):
    out = dict(facts)
    for ch in option.changes:
        assert ch.target is not None, ch
        out[ch.fact] = ch.target
    return out


def test_or_condition_lists_each_alternative_smallest_first(policies):
    r = _one(policies, "bj2022.sme-equipment-deduction", {**BJ_FACTORY, "employees": 1500, "revenue": 500000000})
    assert r.status == "ineligible"
    [nm] = [n for n in r.near_miss if n.kind == "change"]
    best = nm.best.changes
    # revenue 5亿 → below 4亿 is a 20% change; employees 1,500 → 999 is 33%: revenue first
    assert [c.fact for c in best] == ["revenue"]
    assert best[0].target == Decimal("399999999.99")
    assert [c.fact for c in nm.alternatives[0].changes] == ["employees"]
    assert nm.alternatives[0].changes[0].target == 999
    assert nm.text == ("2021年营业收入需低于4亿元（现5亿元），可获600万元；"
                       "或2021年从业人员需少于1,000人（现1,500人），可获600万元")
    assert nm.best.status == "eligible" and nm.best.amount == Decimal("6000000.00")


def test_smallest_relative_change_wins(policies):
    """1,020 → 999 employees is −2.1%; 4.2亿 → just under 4亿 revenue is −4.8%: employees first."""
    r = _one(policies, "bj2022.sme-equipment-deduction", {**BJ_FACTORY, "employees": 1020, "revenue": 420000000})
    [nm] = [n for n in r.near_miss if n.kind == "change"]
    assert [c.fact for c in nm.best.changes] == ["employees"]
    assert nm.text == ("2021年从业人员需少于1,000人（现1,020人），可获600万元；"
                       "或2021年营业收入需低于4亿元（现4.2亿元），可获600万元")


def test_and_condition_needs_all_failing_parts(policies):
    facts = {**BJ_FACTORY, "employees": 1500, "revenue": 500000000, "equipment_purchase.unit_value": 4000000}
    r = _one(policies, "bj2022.sme-equipment-deduction", facts)
    [nm] = [n for n in r.near_miss if n.kind == "change"]
    assert {c.fact for c in nm.best.changes} == {"revenue", "equipment_purchase.unit_value"}
    value = next(c for c in nm.best.changes if c.fact == "equipment_purchase.unit_value")
    assert value.target == Decimal("5000000.01")  # 500万元以上 read as > 500万
    assert evaluate(policies.measure(r.measure_id), _applied(facts, nm.best), AS_OF, policies).status == "eligible"


def test_cap_reached_says_further_rd_expense_adds_nothing(policies):
    facts = {"entity_type": "enterprise", "region_code": "110105", "industry_code": "6513", "employees": 50,
             "revenue": 20000000, "total_assets": 30000000, "core_ip": True, "rd_expense": 6000000}
    r = _one(policies, "cy2022.sme-rd-reward", facts)
    assert r.status == "eligible"
    assert r.amount.value == Decimal("1000000.00")  # 20% of 600万 = 120万, capped at 100万
    [cap] = [n for n in r.near_miss if n.kind == "cap"]
    assert cap.text == "已达上限100万元：2021年研发费用超过500万元的部分不再增加金额（现600万元，按公式可得120万元）"
    assert [o["id"] for o in r.open_criteria] == ["rd_standard"]  # eligible, but a unit must still judge


def test_cap_not_reached_says_how_far(policies):
    facts = {"entity_type": "enterprise", "region_code": "140902", "first_set_purchase.price": 2000000}
    r = _one(policies, "xz2022.first-set-equipment-subsidy", facts)
    assert r.status == "eligible" and r.amount.value == Decimal("200000.00")
    [cap] = [n for n in r.near_miss if n.kind == "cap"]
    assert cap.text == "距上限30万元还差10万元：首台（套）重大技术装备首购首用·购买价格增至300万元（现200万元）即达上限"
    assert cap.best.amount == Decimal("300000.00")


def test_missing_fact_near_miss_says_what_to_supply_and_what_it_must_be(policies):
    r = _one(policies, "bj2022.sme-equipment-deduction", {**BJ_FACTORY, "employees": 1500})
    assert r.status == "undetermined"
    assert "revenue" in r.missing
    [nm] = [n for n in r.near_miss if n.kind == "change"]
    assert nm.best.changes[0].fact == "revenue" and nm.best.changes[0].kind == "supply"
    assert nm.text.startswith("补充2021年营业收入（需低于4亿元）")
    assert "或2021年从业人员需少于1,000人（现1,500人）" in nm.text


def test_property_every_near_miss_flips_the_status_on_the_seed_cases(policies):
    """For every seed case that is ineligible or undetermined: each verified option, applied
    to the facts, makes the rules engine (not the matcher) say eligible."""
    checked = 0
    for case in load_cases(policies):
        measure = policies.measure(case.measure)
        r = match_enterprise(case.facts, case.as_of, [measure], policies=policies)[0]
        if r.status not in ("ineligible", "undetermined"):
            continue
        for nm in r.near_miss:
            if nm.kind != "change":
                continue
            for option in [nm.best, *nm.alternatives]:
                after = evaluate(measure, _applied(case.facts, option), case.as_of, policies)
                assert after.status == "eligible", (case.label, option)
                assert after.amount == option.amount, case.label
                checked += 1
        if r.status == "ineligible" and not r.missing and not any(n.kind == "change" for n in r.near_miss):
            # only identity facts (region, entity type, industry) could change the outcome
            failing = [x for x in r.reasons if x.outcome is False]
            assert failing, case.label
    assert checked >= 30


def test_identity_facts_are_not_offered_as_changes(policies):
    # 4411 electricity is not manufacturing: changing the industry is not a "near miss"
    facts = {"entity_type": "enterprise", "region_code": "140902", "industry_code": "4411", "employees": 50,
             "revenue": 10000000, "deferrable_tax_amount": 100000}
    r = _one(policies, "xz2022.manufacturing-sme-tax-deferral", facts)
    assert r.status == "ineligible"
    assert not any(ch.fact == "industry_code" for n in r.near_miss for o in [n.best, *n.alternatives]
                   for ch in o.changes)
