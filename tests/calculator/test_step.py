"""The calculator's step: the facts it builds from answers, the order of its questions, and that
what is not answered stays unknown (undetermined, never 0 or 否)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from zhida.calculator import step
from zhida.calculator.questions import answer_text, parse, question
from zhida.errors import DataError
from zhida.matching.match import load_default_policies, match_enterprise

AS_OF = date(2022, 8, 1)
BASE = {"entity_type": "enterprise", "region_code": "110105"}


@pytest.fixture(scope="module")
def policies():
    return load_default_policies()


def test_first_question_is_what_most_measures_wait_for(policies):
    s = step({}, [], AS_OF, policies)
    assert s.question.fact == "entity_type" and s.question.deciding == len(policies.measures) - sum(
        1 for m in policies.measures.values() if not m.enterprise_benefit)
    assert s.question.choices[0][0] == "enterprise" and s.summary["counts"]["eligible"] == 0


def test_ranking_counts_undetermined_measures_per_missing_fact(policies):
    s = step(BASE, [], AS_OF, policies)
    waiting = Counter(f for r in s.undetermined if r.period != "expired" for f in dict.fromkeys(r.missing))
    assert s.question.deciding == max(waiting.values())
    assert waiting[s.question.fact] == s.question.deciding
    assert s.questions_left == len(waiting)


def test_skipped_is_never_asked_again_and_stays_unknown(policies):
    first = step(BASE, [], AS_OF, policies).question.fact
    s = step(BASE, [first], AS_OF, policies)
    assert s.question.fact != first and first in s.skipped
    still = [r for r in s.undetermined if first in r.missing]
    assert still  # the measures waiting for it are still undetermined, not decided by a default
    assert all(r.amount.value is None for r in still)


def test_answers_are_the_facts_the_engine_reads(policies):
    answers = {**BASE, "industry_code": "3411", "employees": "50", "revenue@2021": "30000000"}
    s = step(answers, [], AS_OF, policies)
    assert not s.errors
    direct = match_enterprise({**BASE, "industry_code": "3411", "industry_section": "C", "employees": 50,
                               "revenue@2021": Decimal("30000000")}, AS_OF, policies=policies)
    assert [(r.measure_id, r.status, r.amount.value) for r in s.results] == \
        [(r.measure_id, r.status, r.amount.value) for r in direct]


def test_ask_puts_a_fact_first_and_a_bad_answer_is_reported(policies):
    s = step({**BASE, "employees": "五十"}, [], AS_OF, policies, ask="employees")
    assert s.question.fact == "employees" and "employees" in s.errors and "employees" not in s.answers
    unknown = step({"no_such_fact": "1"}, [], AS_OF, policies)
    assert unknown.errors == {"no_such_fact": "不是可回答的问题"}


def test_base_facts_are_overridden_by_answers(policies):
    s = step({"region_code": "140902"}, [], AS_OF, policies, base={**BASE, "employees": 50})
    assert s.question is None or s.question.fact not in ("entity_type", "region_code", "employees")
    xinzhou = {r.measure_id: r.status for r in s.results}
    assert xinzhou["cy2022.sme-rd-reward"] == "not_applicable"  # 朝阳区 measure, answer says 忻府区


def test_parsing_answers(policies):
    yes_no = question("epidemic_control_commitment", policies, AS_OF)
    assert yes_no.kind == "boolean" and parse(yes_no, "是") is True and parse(yes_no, "false") is False
    with pytest.raises(DataError, match="请回答"):
        parse(yes_no, "请选择")
    industry = question("industry_code", policies, AS_OF)
    assert industry.label == "所属行业" and parse(industry, "C3411") == "3411" and parse(industry, "34") == "34"
    assert answer_text(industry, "3411")  # a finer code than the list still reads as words
    region = question("region_code", policies, AS_OF)
    assert region.label == "注册地（区县）" and ("110105", "北京市朝阳区") in region.choices
    with pytest.raises(DataError):
        parse(region, "110000")  # the city is not a district
    revenue = question("revenue", policies, AS_OF)
    assert revenue.label == "2021年营业收入" and revenue.unit == "元"
    assert parse(revenue, "3000000.50") == Decimal("3000000.50")


def test_a_skipped_fact_sends_its_companions_to_the_back(policies):
    level = step(BASE, [], AS_OF, policies).question.fact
    assert level == "little_giant_level"
    after = step(BASE, [level], AS_OF, policies).question.fact
    assert after != "little_giant_valid_until"  # only worth asking once the level is known
    with_level = step({**BASE, level: "national"}, [], AS_OF, policies)
    assert with_level.question.fact != level and "little_giant_valid_until" not in with_level.skipped


def test_the_calculator_skips_near_misses_without_hiding_them_from_checkups(policies):
    facts = {**BASE, "industry_code": "3411", "employees": 50, "revenue": Decimal("30000000")}
    quick = match_enterprise(dict(facts), AS_OF, policies=policies, near_misses=False)
    full = match_enterprise(dict(facts), AS_OF, policies=policies)  # after the quick one: not its memo
    assert [(r.measure_id, r.status, r.amount.value, r.missing) for r in quick] == \
        [(r.measure_id, r.status, r.amount.value, r.missing) for r in full]
    assert all(r.near_miss == [] for r in quick)
    assert any(r.near_miss for r in full)
