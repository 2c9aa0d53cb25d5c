"""`zhida payouts …`: the 免申即享 list built, confirmed with an exclusion, the ledger listed, a
budget set, records re-checked — the CLI is thin over zhida.payouts and prints Chinese lines."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.errors import ZhidaError

from .facts import XZ_A, XZ_B, XZ_C, write_xz_facts

_register()


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_exempt_cli_build_confirm_ledger(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'z.sqlite3'}")
    facts = write_xz_facts(tmp_path / "facts.parquet")
    built = _run("payouts", "exempt", "build", "--measure", "xz2022.stable-employment-refund-sme", "--year", "2023",
                 "--as-of", "2023-06-30", "--input", str(facts), "--by", "人社局经办")
    assert built.exit_code == 0, built.output
    assert "免申即享名单 #1" in built.output and "3 家企业" in built.output and "48,900.01" in built.output
    shown = _run("payouts", "exempt", "show", "1", "--json")
    items = json.loads(shown.output)["items"]
    assert {i["step"] for i in items} == {"数据比对已列入（待单位确认）"}
    budget = _run("payouts", "budget", "set", "--measure", "xz2022.stable-employment-refund-sme", "--year", "2023",
                  "--payer", "市级", "--amount", "40000", "--on-exceed", "queue")
    assert budget.exit_code == 0 and "余 40000.00" in budget.output
    confirmed = _run("payouts", "exempt", "confirm", "1", "--exclude", f"{XZ_B}=企业已注销")
    assert confirmed.exit_code == 0, confirmed.output
    assert "已确认：2 家" in confirmed.output and "排除 1 家" in confirmed.output
    listed = _run("payouts", "ledger", "--json")
    data = json.loads(listed.output)
    statuses = sorted((r["uscc"], r["status"]) for r in data["records"])
    # 30000.00 fits the 40000 budget; 18000.00 does not: queued, visibly
    assert statuses == [(XZ_A, "approved"), (XZ_C, "queued")]
    assert data["budgets"][0]["left"] == "10000.00" and data["budgets"][0]["queued"] == 1
    text = _run("payouts", "ledger").output
    assert "排队待核（预算不足）" in text and "免申即享 list-1" in text
    with pytest.raises(ZhidaError, match="已确认"):
        _run("payouts", "exempt", "confirm", "1")
    rechecked = _run("payouts", "recheck")
    assert "复核 1 条" in rechecked.output and "1 条无当前信息" in rechecked.output
