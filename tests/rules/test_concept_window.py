"""A concept outside its effective window is UNKNOWN (with a reason), on every back end."""

import textwrap
from datetime import date

from zhida.rules import load_policies
from zhida.rules.cases import concept_value_scalar, concept_values_sql
from zhida.rules.engine import run_duckdb
from zhida.rules.evaluate import evaluate

DOC = "003_4b22abcac525f172"
CONCEPTS = """
concepts:
  - name: big_old
    type: boolean
    label_zh: 旧标准下的大企业
    effective_from: 2015-01-01
    source: {doc_number: 测试〔2010〕1号, title: 旧划型标准, effective_to: 2020-12-31, text: 从业人员1000人及以上}
    expr: employees >= 1000
  - name: big_old_manufacturer
    type: boolean
    label_zh: 旧标准下的大型制造企业
    source: {doc_number: GB/T 4754-2017, title: 国民经济行业分类, text: C 制造业 13 43}
    expr: big_old AND LEFT(industry_code, 2) BETWEEN '13' AND '43'
"""
MEASURE = f"""
document: {DOC}
measures:
  - id: test2022.window
    title: 测试：旧标准
    kind: cash_subsidy
    beneficiary: enterprise
    jurisdiction: ["140900"]
    period: {{}}
    application: unknown
    review: {{status: draft, by: test, date: 2024-06-01}}
    sources:
      - clause: "4.46"
        quote: 市财政可按购买价格10%给予补贴
    conditions:
      - {{id: big, expr: big_old_manufacturer, label: 大型制造企业, quote: 市财政可按购买价格10%给予补贴}}
"""


def policies_with_window(tmp_path):
    (tmp_path / "concepts").mkdir()
    (tmp_path / "concepts" / "old.yaml").write_text(textwrap.dedent(CONCEPTS), encoding="utf-8")
    (tmp_path / "measures").mkdir()
    (tmp_path / "measures" / f"{DOC}.yaml").write_text(MEASURE, encoding="utf-8")
    policies = load_policies(tmp_path)
    assert policies.errors == []
    return policies


FACTS = {"entity_type": "enterprise", "region_code": "140902", "employees": 2000, "industry_code": "3411"}


def test_window_from_concept_start_and_repealed_source_inherited_by_users(tmp_path):
    policies = policies_with_window(tmp_path)
    user = policies.concepts["big_old_manufacturer"]
    assert (user.effective_from, user.effective_to) == (date(2015, 1, 1), date(2020, 12, 31))
    days = [date(2014, 12, 31), date(2015, 1, 1), date(2020, 12, 31), date(2021, 1, 1)]
    expected = [None, True, True, None]
    assert [concept_value_scalar(policies, "big_old_manufacturer", FACTS, d) for d in days] == expected
    assert concept_values_sql(policies, [("big_old_manufacturer", FACTS, d) for d in days]) == expected


def test_condition_on_a_concept_out_of_force_is_undetermined_with_reason(tmp_path):
    policies = policies_with_window(tmp_path)
    m = policies.measure("test2022.window")
    r = evaluate(m, FACTS, date(2022, 8, 1), policies)
    assert (r.status, r.missing, r.not_in_force) == ("undetermined", [], ["big_old_manufacturer"])
    assert "依据（GB/T 4754-2017）适用于 2015-01-01 至 2020-12-31，评估日 2022-08-01 不在其内" in r.conditions[0].reason_zh
    assert evaluate(m, FACTS, date(2020, 6, 1), policies).status == "eligible"
    rows = [{**FACTS, "enterprise_id": "a", "as_of": date(2022, 8, 1)}, {**FACTS, "enterprise_id": "b", "as_of": date(2020, 6, 1)}]
    sql = run_duckdb([m], rows, None, policies)
    assert (sql["a"][m.id].status, sql["a"][m.id].unknown, sql["b"][m.id].status) == ("undetermined", ["big"], "eligible")


def test_seed_concepts_have_no_window_so_2021_measures_keep_their_qualifications():
    # Source effective_from is the date of the cited text, not of the concept: 工信部企业〔2022〕63号
    # (2022-08-01) restates the 专精特新 validity that 004's 2021 measures rely on.
    policies = load_policies()
    srdi = policies.concepts["srdi_sme"]
    assert (srdi.effective_from, srdi.effective_to) == (None, None)
    facts = {"srdi_level": "municipal", "srdi_valid_until": "2023-12-31"}
    assert concept_value_scalar(policies, "srdi_sme", facts, date(2021, 12, 21)) is True
