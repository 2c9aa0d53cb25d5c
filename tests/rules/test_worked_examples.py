"""The worked examples of issue 3 are among the YAML cases (and so run on both evaluators)."""

from decimal import Decimal

import pytest

from zhida.rules import load_policies
from zhida.rules.cases import load_cases
from zhida.rules.evaluate import evaluate

POLICIES = load_policies()
CASES = load_cases(POLICIES)

EXAMPLES = [  # (measure, status, amount or None, amount kind or None, open criteria or None)
    ("xz2022.first-set-equipment-subsidy", "eligible", 300000, "exact", None),
    ("xz2022.first-set-equipment-subsidy", "eligible", 200000, "exact", None),
    ("xz2022.first-set-equipment-subsidy", "not_applicable", None, None, None),
    ("bj2022.sme-equipment-deduction", "eligible", 6000000, "exact", None),  # 可选择: exact (issue 9)
    ("bj2022.sme-equipment-deduction", "eligible", 3000000, "exact", None),
    ("bj2022.sme-equipment-deduction", "ineligible", None, None, None),
    ("cy2022.sme-rd-reward", "eligible", 600000, "exact", ["rd_standard"]),
    ("cy2022.sme-rd-reward", "eligible", 1000000, "exact", ["rd_standard"]),
    ("xz2022.stable-employment-refund-large", "eligible", 300000, "maximum", None),
    ("xz2022.stable-employment-refund-sme", "eligible", 90000, None, None),
    ("bjhpj.project-introduction-agency-reward", "eligible", 10000000, "minimum", None),
]


@pytest.mark.parametrize("measure,status,amount,kind,open_ids", EXAMPLES,
                         ids=[f"{e[0]} {e[1]} {e[2]}" for e in EXAMPLES])
def test_worked_example_is_a_case(measure, status, amount, kind, open_ids):
    found = []
    for case in CASES:
        if case.measure != measure or case.expect["status"] != status:
            continue
        r = evaluate(POLICIES.measure(measure), case.facts, case.as_of, POLICIES)
        if amount is not None and r.amount != Decimal(amount):
            continue
        found.append(r)
    assert found, f"no case of {measure} with {status} {amount}"
    r = found[0]
    if kind:
        assert r.amount_kind == kind
    if open_ids:
        assert [o["id"] for o in r.open_criteria] == open_ids
        assert any("一定标准" in reason for reason in r.reasons)
