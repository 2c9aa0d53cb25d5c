"""Open criteria: reported only when the result depends on them, judgements on both back ends,
unreferenced ones rejected (policies/inventory/ENGINE-REQUESTS.md 1, 2, 6)."""

import re
import textwrap
from datetime import date

import pytest

from zhida.errors import RuleError
from zhida.rules import load_policies
from zhida.rules.engine import run_duckdb
from zhida.rules.evaluate import evaluate

DOC = "003_4b22abcac525f172"
AS_OF = date(2022, 8, 1)
BASE = {"entity_type": "enterprise", "region_code": "140902"}


def measure_yaml(conditions: str, open_ids=("x", "y"), amount: str = "") -> str:
    opens = "".join(f"      - {{id: {o}, label: 待认定{o}, quote: 市财政可按购买价格10%给予补贴}}\n" for o in open_ids)
    return textwrap.dedent(f"""\
        document: {DOC}
        measures:
          - id: test2022.open
            title: 测试：未量化标准
            kind: cash_subsidy
            beneficiary: enterprise
            jurisdiction: ["140900"]
            period: {{}}
            application: unknown
            review: {{status: draft, by: test, date: 2024-06-01}}
            sources:
              - clause: "4.46"
                quote: 市财政可按购买价格10%给予补贴，最高不超过30万元。
            conditions:
        """) + textwrap.indent(textwrap.dedent(conditions), "      ") + "    open_criteria:\n" + opens + amount


def load(tmp_path, conditions: str, open_ids=("x", "y"), amount: str = ""):
    (tmp_path / "measures").mkdir(exist_ok=True)
    (tmp_path / "measures" / f"{DOC}.yaml").write_text(measure_yaml(conditions, open_ids, amount), encoding="utf-8")
    return load_policies(tmp_path)


def both_backends(policies, facts: dict):
    """(scalar result, DuckDB row) for one profile; asserts they agree on status and open criteria."""
    m = policies.measure("test2022.open")
    scalar = evaluate(m, facts, AS_OF, policies)
    row = run_duckdb([m], [{**facts, "enterprise_id": "e"}], AS_OF, policies)["e"][m.id]
    assert (row.status, row.amount, sorted(row.failing), sorted(row.open)) == \
        (scalar.status, scalar.amount, sorted(scalar.failing), sorted(o["id"] for o in scalar.open_criteria))
    return scalar, row


def cond(expr: str, cid: str = "c") -> str:
    return f"- {{id: {cid}, expr: \"{expr}\", label: 条件, quote: 对首购首用首台套重大技术装备}}\n"


PRICE = "first_set_purchase.price"


@pytest.mark.parametrize("expr,facts,status,opens", [
    # the request's own examples: a settled side makes the open criterion irrelevant
    (f"{PRICE} > 0 OR open.x", {PRICE: 5}, "eligible", []),
    (f"{PRICE} > 0 AND open.x", {PRICE: 0}, "ineligible", []),
    (f"{PRICE} > 0 OR ({PRICE} > 100 AND open.x)", {PRICE: 5}, "eligible", []),
    # the result does depend on it
    (f"{PRICE} > 0 OR open.x", {PRICE: 0}, "eligible", ["x"]),
    (f"{PRICE} > 0 AND open.x", {PRICE: 5}, "eligible", ["x"]),
    (f"{PRICE} > 0 AND open.x", {}, "undetermined", ["x"]),  # UNKNOWN AND x: FALSE if x is ruled out
    # each alone does not flip 'x OR y', but the pair does: both are reported
    ("open.x OR open.y", {}, "eligible", ["x", "y"]),
    ("open.x AND open.y", {}, "eligible", ["x", "y"]),
    # a CASE branch not taken
    (f"CASE WHEN {PRICE} > 100 THEN open.x ELSE {PRICE} > 0 END AND open.y", {PRICE: 5}, "eligible", ["y"]),
])
def test_open_criterion_reported_only_if_result_depends_on_it(tmp_path, expr, facts, status, opens):
    policies = load(tmp_path, cond(expr), open_ids=sorted(set(re.findall(r"open\.(\w+)", expr))))
    assert policies.errors == []
    scalar, _ = both_backends(policies, {**BASE, **facts})
    assert scalar.status == status
    assert [o["id"] for o in scalar.open_criteria] == opens


def test_explicit_judgements_on_both_backends(tmp_path):
    policies = load(tmp_path, cond("open.x") + cond(f"{PRICE} > 0 OR open.y", "d"))
    facts = {**BASE, PRICE: 0}
    scalar, _ = both_backends(policies, facts)
    assert (scalar.status, [o["id"] for o in scalar.open_criteria]) == ("eligible", ["x", "y"])
    scalar, row = both_backends(policies, {**facts, "open.x": False})
    assert (scalar.status, scalar.failing, row.failing) == ("ineligible", ["c"], ["c"])
    # judged met: no longer open; null: not judged (assumed met, still open)
    scalar, _ = both_backends(policies, {**facts, "open.x": True, "open.y": None})
    assert (scalar.status, [o["id"] for o in scalar.open_criteria]) == ("eligible", ["y"])
    scalar, _ = both_backends(policies, {**facts, "open.y": "否"})
    assert (scalar.status, scalar.failing) == ("ineligible", ["d"])


def test_judgement_must_be_true_or_false(tmp_path):
    policies = load(tmp_path, cond("open.x") + cond("open.y", "d"))
    with pytest.raises(RuleError, match="open.x.*not a judgement"):
        evaluate(policies.measure("test2022.open"), {**BASE, "open.x": "maybe"}, AS_OF, policies)


def test_open_criterion_in_amount_reported_when_amount_depends_on_it(tmp_path):
    amount = (f"    amount: {{kind: exact, expr: \"CASE WHEN open.y THEN {PRICE} * 0.10 ELSE 0 END\", cap: 300000,"
              " quote: 市财政可按购买价格10%给予补贴}\n")
    policies = load(tmp_path, cond(f"{PRICE} > 0 OR open.x"), amount=amount)  # declares x and y
    assert policies.errors == []
    scalar, row = both_backends(policies, {**BASE, PRICE: 1000})
    assert (scalar.status, str(scalar.amount), [o["id"] for o in scalar.open_criteria]) == ("eligible", "100.00", ["y"])
    scalar, _ = both_backends(policies, {**BASE, PRICE: 1000, "open.y": False})
    assert (str(scalar.amount), scalar.open_criteria) == ("0.00", [])


def test_unreferenced_open_criterion_is_rejected(tmp_path):
    policies = load(tmp_path, cond("open.x"), open_ids=("x", "unused"))
    assert [str(e) for e in policies.errors] == [
        f"{DOC}.yaml [test2022.open] open_criteria[1]: 'unused' is not referenced by any condition or amount "
        "(write open.unused where it applies)"]
    assert policies.measures == {}
