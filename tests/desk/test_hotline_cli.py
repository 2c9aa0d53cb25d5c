"""`zhida desk import|export|figures|tick` as a user runs them (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.errors import ZhidaError

from .test_hotline_figures import BAD, CSV

_register()


@pytest.fixture
def zhida(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZHIDA_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def test_import_export_tick_figures(zhida, tmp_path):
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(CSV, encoding="utf-8")
    refused = zhida("desk", "import", str(bad))
    assert refused.exit_code == 2 and "整批未写入" in refused.stdout and "第 4 行 受理时间" in refused.stdout
    assert json.loads(zhida("desk", "export", "--format", "json").stdout) == []
    assert "新增 2 条" in zhida("desk", "import", str(good)).stdout
    again = json.loads(zhida("desk", "import", str(good), "--json").stdout)
    assert (again["added"], again["existing"]) == (0, 2)
    exported = json.loads(zhida("desk", "export", "--format", "json").stdout)
    assert [x["工单编号"] for x in exported] == ["GD2026110001", "GD2026110002"]
    # received Monday 2026-11-30; 受理 limit 1 working day → overdue from Wednesday 00:00 Beijing
    assert "督办 0 件" in zhida("desk", "tick", "--now", "2026-12-01T12:00:00+08:00").stdout
    assert "督办 2 件" in zhida("desk", "tick", "--now", "2026-12-02T09:00:00+08:00").stdout
    assert "督办 0 件" in zhida("desk", "tick", "--now", "2026-12-03T09:00:00+08:00").stdout
    book = tmp_path / "f.xlsx"
    shown = zhida("desk", "figures", "--month", "2026-11", "--xlsx", str(book))
    assert shown.exit_code == 0 and "暂无数据" in shown.stdout  # nothing dispatched or answered yet
    assert load_workbook(book).sheetnames == ["三率", "按类型排名", "趋势", "政策问题"]
    with pytest.raises(ZhidaError) as bad_month:  # main() prints it as one line and exits 2
        zhida("desk", "figures", "--month", "2026-13")
    assert bad_month.value.where == "--month"
