"""Malformed measure files are rejected with file, measure and field; other files still load.
A new measure + cases in a temporary directory is picked up by the CLI and the case runner."""

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.rules import load_policies
from zhida.rules.cases import check_scalar, check_sql, load_cases

DOC = "003_4b22abcac525f172"
GOOD = """
  - id: test2022.first-set
    title: 测试：首台套补贴
    kind: cash_subsidy
    beneficiary: enterprise
    jurisdiction: ["140900"]
    period: {from: 2022-05-28, quote: "2022年5月28日"}
    application: unknown
    review: {status: draft, by: test, date: 2024-06-01}
    sources:
      - clause: "4.46"
        quote: 市财政可按购买价格10%给予补贴，最高不超过30万元。
    conditions:
      - {id: bought, expr: "first_set_purchase.price > 0", label: 首购首用, quote: 对首购首用首台套重大技术装备}
    amount: {expr: "first_set_purchase.price * 0.10", cap: 300000, kind: exact, quote: 最高不超过30万元}
"""


def write(directory: Path, name: str, body: str) -> Path:
    (directory / "measures").mkdir(parents=True, exist_ok=True)
    path = directory / "measures" / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def measure_file(body: str) -> str:
    return f"document: {DOC}\nmeasures:\n{body}"


BAD = [
    ("unknown fact", GOOD.replace("first_set_purchase.price > 0", "first_set_purchase.cost > 0"),
     "conditions[bought].expr", "unknown fact 'first_set_purchase.cost'"),
    ("type error", GOOD.replace("first_set_purchase.price > 0", "first_set_purchase.price > DATE '2022-01-01'"),
     "conditions[bought].expr", "cannot compare"),
    ("bad date", GOOD.replace("from: 2022-05-28", "from: 2022-13-28"), "period.from", "bad date"),
    ("quote not in clause", GOOD.replace("最高不超过30万元。", "最高不超过50万元。"), "sources[0].quote", "not found in"),
    ("unknown clause", GOOD.replace('clause: "4.46"', 'clause: "4.99"'), "sources[0].clause", "no clause '4.99'"),
    ("missing title", GOOD.replace("    title: 测试：首台套补贴\n", ""), "title", "required"),
    ("bad kind", GOOD.replace("kind: cash_subsidy", "kind: gift"), "kind", "not one of"),
    ("IS NULL trick", GOOD.replace("first_set_purchase.price > 0", "first_set_purchase.price IS NULL"),
     "conditions[bought].expr", "IS NULL"),
    ("division", GOOD.replace("first_set_purchase.price * 0.10", "first_set_purchase.price / 10"), "amount.expr", "division"),
    ("code value", GOOD.replace("first_set_purchase.price > 0", "entity_type = 'company'"),
     "conditions[bought].expr", "'company' is not a value"),
    ("condition quote", GOOD.replace("quote: 对首购首用首台套重大技术装备}", "quote: 对首购首用首台套软件}"),
     "conditions[bought].quote", "quote not found"),
]


@pytest.mark.parametrize("name,body,field,reason", BAD, ids=[b[0] for b in BAD])
def test_malformed_file_rejected_naming_file_measure_field(tmp_path, name, body, field, reason):
    write(tmp_path, f"{DOC}.yaml", measure_file(body + GOOD.replace("test2022.first-set", "test2022.other")))
    write(tmp_path, "001_17557c858a299f6c.yaml", "document: 001_17557c858a299f6c\nmeasures: []\n")
    policies = load_policies(tmp_path)
    assert len(policies.errors) == 1
    message = str(policies.errors[0])
    assert message.startswith(f"{DOC}.yaml [test2022.first-set] {field}"), message
    assert reason in message
    assert policies.measures == {}  # nothing from the bad file, not even its good measure
    assert [p.name for p in policies.measure_files] == ["001_17557c858a299f6c.yaml", f"{DOC}.yaml"]


def test_duplicate_id_across_files_rejects_second_file(tmp_path):
    write(tmp_path, f"{DOC}.yaml", measure_file(GOOD))
    other = GOOD.replace('clause: "4.46"', 'document: "003"\n        clause: "4.46"').replace(
        'period: {from: 2022-05-28, quote: "2022年5月28日"}', 'period: {}')
    write(tmp_path, "004_31b0d1502afd2179.yaml", "document: 004_31b0d1502afd2179\nmeasures:\n" + other)
    policies = load_policies(tmp_path)
    assert list(policies.measures) == ["test2022.first-set"]
    assert "duplicate measure id" in str(policies.errors[0]) and "004_31b0d1502afd2179.yaml" in str(policies.errors[0])


def test_file_stem_must_match_document(tmp_path):
    write(tmp_path, "wrong.yaml", measure_file(GOOD))
    policies = load_policies(tmp_path)
    assert str(policies.errors[0]).startswith("wrong.yaml document:")


def test_new_measure_in_temp_dir_needs_no_python(tmp_path, monkeypatch):
    write(tmp_path, f"{DOC}.yaml", measure_file(GOOD))
    write(tmp_path, f"{DOC}.cases.yaml", """
        - name: 400万 → 封顶30万
          measure: test2022.first-set
          as_of: 2022-08-01
          facts: {entity_type: enterprise, region_code: "140902", first_set_purchase.price: 4000000}
          expect: {status: eligible, amount: 300000}
        - name: 忻州以外 → 不适用
          measure: test2022.first-set
          facts: {entity_type: enterprise, region_code: "110101", first_set_purchase.price: 4000000}
          expect: {status: not_applicable}
    """)
    monkeypatch.setenv("ZHIDA_POLICIES_DIR", str(tmp_path))
    policies = load_policies()
    assert list(policies.measures) == ["test2022.first-set"] and policies.errors == []
    cases = load_cases(policies)
    assert [check_scalar(c, policies) for c in cases] == [[], []]
    assert check_sql(cases, policies) == {0: [], 1: []}

    _register()
    runner = CliRunner()
    listed = runner.invoke(app, ["measures", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [m["id"] for m in json.loads(listed.output)] == ["test2022.first-set"]
    shown = runner.invoke(app, ["measures", "show", "test2022.first-set", "--policies", str(tmp_path)])
    assert "最高不超过30万元" in shown.output and "山西省忻州市" in shown.output
