"""Every number of every rule traces to its quotes; coverage lists every leaf clause."""

import json
from datetime import date
from decimal import Decimal

from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.rules import load_policies
from zhida.rules.fidelity import check_concept, check_measure, values_in
from zhida.rules.present import facts_markdown
from zhida import config

POLICIES = load_policies()


def test_every_measure_number_traces_to_a_quote():
    problems = [str(p) for m in POLICIES.measures.values() for p in check_measure(m, POLICIES)]
    assert problems == []


def test_every_concept_number_traces_to_its_source():
    assert [str(p) for c in POLICIES.concepts.values() for p in check_concept(c)] == []


def test_normaliser_reads_units():
    found = values_in("最高不超过30万元，按10%给予补贴，2022年12月31日前，4亿元以下，1000人以下，可减半扣除")
    for value in (Decimal(300000), Decimal("0.10"), Decimal(10), date(2022, 12, 31), Decimal(400000000),
                  Decimal(1000), Decimal("0.5")):
        assert value in found, value
    assert Decimal(30) in values_in("最高不超過30萬元")  # traditional script (seed 004)
    assert Decimal(300000) in values_in("最高不超過30萬元")


def test_untraced_number_is_caught():
    import copy

    measure = copy.deepcopy(POLICIES.measure("xz2022.first-set-equipment-subsidy"))
    measure.amount.text["cap"] = "500000"  # the quote says 30万元
    problems = check_measure(measure, POLICIES)
    assert [(p.where.split()[-1], p.value) for p in problems] == [("amount.cap", Decimal(500000))]


def test_coverage_lists_every_leaf_clause():
    _register()
    result = CliRunner().invoke(app, ["coverage", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    docs = {d["document"]: d for d in report["documents"]}
    assert len(docs) == 5 and all(d["pipeline"] for d in docs.values())
    for key, doc in docs.items():
        leaves = POLICIES.library.get(key).leaf_ids
        assert [row["clause"] for row in doc["clauses"]] == leaves
    row = next(r for r in docs["003_4b22abcac525f172"]["clauses"] if r["clause"] == "4.46")
    assert "xz2022.first-set-equipment-subsidy" in row["measures"]
    row = next(r for r in docs["000_094af80e03a20c8c"]["clauses"] if r["clause"] == "3.7")
    assert "bj2022.sme-equipment-deduction" in row["measures"]


def test_every_leaf_clause_is_encoded_or_has_a_reason():
    from zhida.rules.coverage import coverage_report

    report = coverage_report(POLICIES)
    open_rows = [(d["document"][:3], r["clause"]) for d in report["documents"] for r in d["clauses"]
                 if not r["measures"] and not r["reason"]]
    assert open_rows == []


def test_facts_doc_is_up_to_date():
    current = (config.PROJECT_ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    assert current == facts_markdown(POLICIES), "run `zhida facts doc`"


def test_shared_benefits_are_counted_once():
    by_benefit = {}
    for m in POLICIES.measures.values():
        by_benefit.setdefault(m.benefit, set()).add(m.document)
    assert {"000_094af80e03a20c8c", "003_4b22abcac525f172"} <= by_benefit["cn.sme-equipment-deduction"]
