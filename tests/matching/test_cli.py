"""`zhida match` as a user runs it: on an example profile file, and on a USCC in the store."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

import zhida.cli.matching  # noqa: F401 - registers `match` (until the lead adds it to _register)
from zhida.cli import app
from zhida.config import PROJECT_ROOT
from zhida.errors import DataError

PROFILE = PROJECT_ROOT / "docs" / "examples" / "profiles" / "industrial_sme_equipment_2022.json"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_match_profile_json(policies):
    result = run("match", str(PROFILE), "--as-of", "2022-08-01", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["enterprise"]["uscc"] == "91110108MA01QW8F0X"
    by_id = {r["measure_id"]: r for r in report["results"]}
    assert len(by_id) == len(policies.measures)
    r = by_id["bj2022.sme-equipment-deduction"]
    assert r["status"] == "eligible" and r["amount"]["value"] == "3000000.00"
    assert by_id["xz2022.first-set-equipment-subsidy"]["status"] == "not_applicable"  # a Beijing firm


def test_status_and_measure_filters(policies):
    result = run("match", str(PROFILE), "--as-of", "2022-08-01", "--json", "--status", "eligible,ineligible")
    statuses = {r["status"] for r in json.loads(result.output)["results"]}
    assert statuses and statuses <= {"eligible", "ineligible"}
    result = run("match", str(PROFILE), "--as-of", "2022-08-01", "--json", "--measure", "bj2022.sme-equipment")
    assert [r["measure_id"] for r in json.loads(result.output)["results"]] == ["bj2022.sme-equipment-deduction"]


def test_table_output_is_chinese_with_reasons(policies):
    result = run("match", str(PROFILE), "--as-of", "2022-08-01", "--measure", "bj2022.sme-equipment-deduction")
    assert result.exit_code == 0
    assert "符合" in result.output
    assert "从业人员140人，满足“从业人员1000人以下”" in result.output
    assert "金额：300.00 万元（当年可税前扣除额）；精确金额 3,000,000.00 元" in result.output  # 可选择…扣除 is exact (issue 9 §3), not 最高


def test_bad_inputs_are_one_line_errors(policies):
    with pytest.raises(DataError, match="--as-of"):
        run("match", str(PROFILE), "--as-of", "2022-13-01")
    with pytest.raises(DataError, match="--status"):
        run("match", str(PROFILE), "--as-of", "2022-08-01", "--status", "maybe")


def test_match_by_uscc_from_the_store(policies, tmp_path, monkeypatch):
    from zhida.enterprises.importer import _enterprise_row
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.store import open_store

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    profile = EnterpriseProfile.from_json(PROFILE.read_bytes())
    store = open_store()
    try:
        from sqlalchemy import insert

        with store.transaction() as session:
            session.execute(insert(Enterprise), [_enterprise_row(profile, None, None, dt.datetime.now(dt.UTC))])
    finally:
        store.close()
    result = run("match", profile.uscc, "--as-of", "2022-08-01", "--json", "--measure", "bj2022.sme-equipment")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["status"] == "eligible"
    with pytest.raises(DataError, match="no enterprise with this USCC"):
        run("match", "91110108MA01ABC125", "--as-of", "2022-08-01")
