"""`zhida enterprises checkup|supply`: the same sections, counts and change text as the web page
(both call zhida.matching.checkup, fact_edit and checkup_change)."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from zhida import config
from zhida.cli import _register, app
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching import checkup

_register()
EXAMPLE = config.PROJECT_ROOT / "docs" / "examples" / "profiles" / "industrial_sme_equipment_2022.json"


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_checkup_prints_the_pages_sections_and_counts():
    result = _run("enterprises", "checkup", str(EXAMPLE), "--as-of", "2022-12-31")
    assert result.exit_code == 0, result.output
    profile = EnterpriseProfile.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    counts = checkup.run(checkup.Unstored(profile), dt.date(2022, 12, 31)).counts
    first = result.output.splitlines()[0]
    assert first == (f"可享受 {counts['eligible']}  差一点 {counts['near_miss']}  待确认 {counts['undetermined']}  "
                     f"不符合 {counts['ineligible']}  不适用 {counts['not_applicable']}")
    assert f"另有 {counts['ineligible']} 项不符合、{counts['not_applicable']} 项不适用" in result.output
    assert "    · " in result.output  # reasons beside each result


def test_supply_says_what_the_fact_changes_and_writes_the_profile(tmp_path):
    target = tmp_path / "after.json"
    result = _run("enterprises", "supply", str(EXAMPLE), "rd_expense_expensed", "1000000", "--as-of", "2022-12-31",
                  "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("+1 项可享受，抵扣（税前扣除额） +")
    assert "+ 科技型中小企业研发费用100%加计扣除" in result.output
    written = EnterpriseProfile.from_json(target.read_bytes())
    assert written.figures[2021].other["rd_expense_expensed"] == 1000000
