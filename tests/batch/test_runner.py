"""`zhida generate` → `zhida batch` → XLSX push lists, as a new user would; runs complete or absent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal

import openpyxl
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from zhida.batch.engines import STATUS_CODES
from zhida.batch.runner import complete_runs, open_run
from zhida.batch.store import latest_complete_run
from zhida.cli import _register, app
from zhida.enterprises import uscc as uscc_codes
from zhida.errors import DataError

_register()


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZHIDA_DATABASE_URL", raising=False)
    return tmp_path / "home"


def _invoke(*args):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_generate_batch_and_read_the_push_list_back(home, tmp_path, policies):
    facts = tmp_path / "enterprises.parquet"
    _invoke("generate", "--count", "5000", "--seed", "5", "--out", str(facts))
    output = _invoke("batch", "--as-of", "2022-12-31", "--input", str(facts), "--out", str(tmp_path / "runs"))
    assert "5,000 enterprises" in output

    [run] = complete_runs(tmp_path / "runs")
    assert not list((tmp_path / "runs").glob(".*partial"))
    results = run.pairs()
    assert pq.read_table(run.enterprises).num_rows == 5000 == run.manifest["enterprises"]
    assert {m["id"] for m in run.manifest["measures"]} == set(policies.measures)
    ids = [m["id"] for m in run.manifest["measures"]]

    # 朝阳区's workbook: a summary sheet, then one sheet per responsible unit
    book = openpyxl.load_workbook(run.path / "pushlists" / "110105_朝阳区.xlsx", read_only=True)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) > 3
    amounts = {}  # (uscc, measure) → amount in the results file
    for r in results.to_pylist():  # one row per applicable pair
        if r["status"] == STATUS_CODES["eligible"]:
            amounts[(r["uscc"], ids[r["measure"]])] = r["amount"]
    # per-measure totals add up to the enterprises (not_applicable = the pairs not stored)
    stored_per_measure = Counter(results.column("measure").to_pylist())
    for i, t in enumerate(run.manifest["totals"]["measures"]):
        stored = stored_per_measure[i]
        assert t["eligible"] + t["ineligible"] + t["undetermined"] == stored
        assert stored + t["not_applicable"] == 5000
    measures = {m["id"]: m for m in run.manifest["measures"]}
    seen_rows = with_amount = 0
    for sheet in book.sheetnames[1:]:
        rows = list(book[sheet].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        assert header[:4] == ("措施编号", "措施名称", "牵头/配合", "统一社会信用代码") and "政策原文" in header
        assert body, sheet
        for row in body:
            record = dict(zip(header, row))
            m = measures[record["措施编号"]]
            unit = sheet.split(" (")[0]
            assert unit in (m["responsible_units"] or ["未注明责任单位"])
            assert uscc_codes.is_valid(record["统一社会信用代码"])
            assert record["区县"] == "朝阳区" and record["企业名称"]
            assert (record["统一社会信用代码"], m["id"]) in amounts  # only eligible pairs are pushed
            expected = amounts[(record["统一社会信用代码"], m["id"])]
            if expected is None:
                assert record["预计金额(元)"] is None
            else:
                assert Decimal(str(record["预计金额(元)"])).quantize(Decimal("0.01")) == expected
                with_amount += 1
            assert record["条款"] and record["政策原文"] in [s["quote"] for s in m["sources"]]
            assert record["政策文件"].startswith("《") and record["条款"][0] in "第序结"  # cited, not keyed
            seen_rows += 1
    assert seen_rows > 500 and with_amount > 0
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[2][:4] == ("责任单位", "措施编号", "措施名称", "企业数") and len(summary) > 4

    # the store has the run as complete, with per-measure totals and the eligible pairs
    row = latest_complete_run()
    assert row is not None and row.run_key == run.key and row.enterprises == 5000
    engine = create_engine(f"sqlite:///{home / 'zhida.sqlite3'}")
    with engine.connect() as c:
        totals = dict(c.execute(text("SELECT measure_id, eligible FROM batch_measure_totals WHERE run_id = :r"),
                                {"r": row.id}).all())
        pairs = c.execute(text("SELECT count(*) FROM batch_results WHERE run_id = :r"), {"r": row.id}).scalar()
    engine.dispose()
    assert totals == {t["measure_id"]: t["eligible"] for t in run.manifest["totals"]["measures"]}
    assert pairs == sum(totals.values()) == len(amounts)


def test_shared_benefit_is_counted_once(tmp_path, policies, population):
    from zhida.batch.runner import run_batch

    outcome = run_batch(AS_OF, tmp_path / "runs", input_path=population, store_url=False, pushlists=False)
    run = outcome.run
    results = run.pairs().to_pylist()
    ids = [m["id"] for m in run.manifest["measures"]]
    eligible = {}  # (uscc, measure id) → amount of every eligible pair
    for r in results:
        if r["status"] == STATUS_CODES["eligible"]:
            eligible[(r["uscc"], ids[r["measure"]])] = r["amount"]
    usccs = pq.read_table(run.enterprises).column("uscc").to_pylist()
    per_measure = {t["measure_id"]: t for t in run.manifest["totals"]["measures"]}
    vat = run.manifest["totals"]["overall"]["benefits"]["cn.vat-credit-refund"]
    either = sum(any((u, m) in eligible for m in vat["measures"]) for u in usccs)
    assert vat["eligible"] == either
    assert either < sum(per_measure[m]["eligible"] for m in vat["measures"])  # overlap exists, not summed
    for benefit in run.manifest["totals"]["overall"]["benefits"].values():
        total = Decimal(0)
        for u in usccs:
            known = [eligible[(u, m)] for m in benefit["measures"] if eligible.get((u, m)) is not None]
            total += max(known) if known else 0
        assert (benefit["amount_total"] is None and total == 0) or Decimal(benefit["amount_total"]) == total


from .conftest import AS_OF  # noqa: E402


def _batch_process(facts, runs, home):
    env = {**os.environ, "ZHIDA_HOME": str(home)}
    env.pop("ZHIDA_DATABASE_URL", None)
    code = "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"
    return subprocess.Popen([sys.executable, "-c", code, "batch", "--as-of", "2022-12-31", "--input", str(facts),
                             "--out", str(runs), "--no-pushlists"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_partial(runs, proc, timeout=180, before=()):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if set(runs.glob(".*.partial")) - set(before) and proc.poll() is None:
            time.sleep(1.0)  # let the engine start writing
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("batch never started")


def test_an_interrupted_batch_never_looks_complete(home, tmp_path):
    from zhida.enterprises.generate import generate, write_parquet

    facts = write_parquet(generate(300_000, 2, AS_OF), tmp_path / "big.parquet")
    runs = tmp_path / "runs"

    proc = _batch_process(facts, runs, home)  # killed outright: no chance to clean up
    _wait_for_partial(runs, proc)
    proc.kill()
    proc.wait()
    assert complete_runs(runs) == []
    [partial] = runs.glob(".*.partial")
    with pytest.raises(DataError, match="not a complete batch run"):
        open_run(partial)
    assert latest_complete_run() is None  # its row stays 'running', which no reader takes

    proc = _batch_process(facts, runs, home)  # Ctrl-C: cleans up and records the failure
    _wait_for_partial(runs, proc, before=[partial])
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    assert proc.returncode != 0
    assert len(list(runs.glob(".*.partial"))) == 1  # only the killed run's leftovers
    assert complete_runs(runs) == [] and latest_complete_run() is None
    engine = create_engine(f"sqlite:///{home / 'zhida.sqlite3'}")
    with engine.connect() as c:
        assert sorted(s for (s,) in c.execute(text("SELECT status FROM batch_runs"))) == ["failed", "running"]
    engine.dispose()
    with pytest.raises(DataError):
        open_run("latest", runs)
