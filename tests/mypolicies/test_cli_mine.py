"""`zhida enterprises mine`: 我的政策 on the command line, the same content as the web page."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import zhida.cli.enterprises  # noqa: F401 - registers `enterprises`
from zhida.cli import app
from zhida.config import PROJECT_ROOT

PROFILE = PROJECT_ROOT / "docs" / "examples" / "profiles" / "chaoyang_service_micro_rent.json"


def test_mine_text_and_json_agree():
    runner = CliRunner()
    text = runner.invoke(app, ["enterprises", "mine", str(PROFILE), "--as-of", "2022-11-15", "--days", "60"],
                         catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert "我的政策 · 评估日 2022-11-15" in text.output and "确定可得：" in text.output
    assert "（还剩 46 天）政策有效期截止" in text.output
    page = json.loads(runner.invoke(app, ["enterprises", "mine", str(PROFILE), "--as-of", "2022-11-15", "--days", "60",
                                          "--json"], catch_exceptions=False).output)
    assert f"现在可享受（{len(page['now'])} 项）" in text.output
    assert all(d["days_left"] == 46 for d in page["deadlines"]) and page["deadlines"]
    assert page["enterprise"]["name"] and all(i["quote"] for i in page["now"])
