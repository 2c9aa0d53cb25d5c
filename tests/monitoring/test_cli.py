"""`zhida monitoring import|alerts|close` end to end in a subprocess on a SQLite store."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import indicator_rows, to_csv

RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]


def _zhida(*args, env):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=300)


def test_monitoring_commands(tmp_path):
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path)}
    good = tmp_path / "stats.csv"
    good.write_bytes(to_csv(indicator_rows(30)))
    first = _zhida("monitoring", "import", str(good), env=env)
    assert first.returncode == 0, first.stderr
    assert "新增 79 行" in first.stdout or "新增" in first.stdout
    again = _zhida("monitoring", "import", str(good), env=env)
    assert "新增 0 行，更新 0 行" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,月份,工业总产值\nabc,2026-01,x\n", encoding="utf-8")
    report = tmp_path / "rejects.txt"
    refused = _zhida("monitoring", "import", str(bad), "--rejects", str(report), env=env)
    assert refused.returncode == 1 and "整份文件未写入" in refused.stdout
    assert "第 2 行" in report.read_text(encoding="utf-8")
    run = _zhida("monitoring", "alerts", "--month", "2026-03", env=env)
    assert run.returncode == 0, run.stderr
    assert "新增 0 条" not in run.stdout and "诉求 1" in run.stdout
    rerun = _zhida("monitoring", "alerts", "--month", "2026-03", env=env)
    assert "新增 0 条" in rerun.stdout
    closed = _zhida("monitoring", "close", "1", "--note", "已核实，季节性检修", env=env)
    assert closed.returncode == 0 and "已办结" in closed.stdout
    twice = _zhida("monitoring", "close", "1", "--note", "再次", env=env)
    assert twice.returncode == 2 and "已办结" in twice.stderr


def test_evaluate_command(tmp_path):
    from .test_evaluation import population

    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path)}
    header = ["统一社会信用代码", "所在区", "行业代码", "用地面积", "税收", "营业收入", "工业增加值", "综合能耗", "排放当量",
              "年平均职工人数", "研发经费"]
    keys = ["uscc", "region_code", "industry_code", "land_mu", "tax", "revenue", "value_added", "energy_tce",
            "emission_t", "employees", "rd_expense"]
    rows = [header] + [["" if r[k] is None else r[k] for k in keys] for r in population(120)]
    path = tmp_path / "mu.csv"
    path.write_bytes(to_csv(rows))
    done = _zhida("monitoring", "evaluate", str(path), "--year", "2025", env=env)
    assert done.returncode == 0, done.stderr
    assert "新增 120" in done.stdout and "A：" in done.stdout and "待补数据" in done.stdout
    again = _zhida("monitoring", "evaluate", str(path), "--year", "2025", env=env)
    assert "未变 120" in again.stdout
    rows[3][3] = "-1"
    path.write_bytes(to_csv(rows))
    bad = _zhida("monitoring", "evaluate", str(path), "--year", "2025", env=env)
    assert bad.returncode == 1 and "第 4 行" in bad.stdout and "用地面积" in bad.stdout


def test_prices_and_analysis_commands(tmp_path):
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path)}
    stats = tmp_path / "stats.csv"
    stats.write_bytes(to_csv(indicator_rows(20)))
    assert _zhida("monitoring", "import", str(stats), env=env).returncode == 0
    prices = tmp_path / "prices.csv"
    prices.write_text("品种,月份,价格\n煤炭,2026-02,800\n煤炭,2026-03,900\n", encoding="utf-8")
    first = _zhida("monitoring", "prices", str(prices), env=env)
    assert first.returncode == 0 and "新增 2 行" in first.stdout, first.stdout + first.stderr
    assert "新增 0 行，更新 0 行，未变 2 行" in _zhida("monitoring", "prices", str(prices), env=env).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("品种,月份,价格\n原油,2026-03,1\n", encoding="utf-8")
    refused = _zhida("monitoring", "prices", str(bad), env=env)
    assert refused.returncode == 1 and "第 2 行" in refused.stdout
    run = _zhida("monitoring", "alerts", "--month", "2026-03", env=env)
    assert "coal" in run.stdout and "原材料价格环比上涨超过10%" in run.stdout
    made = _zhida("monitoring", "analysis", "--month", "2026-03", env=env)
    assert made.returncode == 0 and "草稿" in made.stdout and "全市" in made.stdout, made.stdout + made.stderr
