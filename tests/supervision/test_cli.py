"""`zhida tasks`: preview a file's drafts, draft a stored document, confirm, report for a unit with
evidence (a bad file refused with a one-line error, nothing written), the clock, the XLSX/PDF report."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from openpyxl import load_workbook

from zhida import config

RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
XINZHOU = "003_4b22abcac525f172"


def _zhida(*args, env):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=300)


def test_tasks_commands(tmp_path):
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path)}
    preview = _zhida("tasks", "draft", "--dry-run", "--json", str(config.sources_dir() / f"{XINZHOU}.txt"), env=env)
    assert preview.returncode == 0, preview.stderr
    drafts = json.loads(preview.stdout)
    assert any(d["clause_id"] == "4.37" and d["targets"][0]["value"] == "25" for d in drafts)
    assert _zhida("ingest", str(config.sources_dir()), env=env).returncode == 0
    made = _zhida("tasks", "draft", "--json", XINZHOU, env=env)
    assert made.returncode == 0, made.stderr
    ids = json.loads(made.stdout)[XINZHOU]
    listed = json.loads(_zhida("tasks", "list", "--json", "--unit", "市工信局", env=env).stdout)
    task = next(t for t in listed if t["title"].startswith("大力实施“专精特新”中小企业培育工程"))
    assert task["id"] in ids and task["state"] == "待确认"
    assert _zhida("tasks", "confirm", str(task["id"]), env=env).returncode == 0
    bad = tmp_path / "证明.pdf"
    bad.write_bytes(b"not a pdf")
    refused = _zhida("tasks", "report", str(task["id"]), "--unit", "市工信局", "--status", "on_track",
                     "--narrative", "已认定12家", "--evidence", str(bad), "--now", "2022-06-10T09:00", env=env)
    assert refused.returncode == 2 and refused.stderr.strip().splitlines()[-1].startswith("error: evidence:")
    good = tmp_path / "名单.pdf"
    good.write_bytes(b"%PDF-1.4\n%%EOF\n")
    ok = _zhida("tasks", "report", str(task["id"]), "--unit", "市工信局", "--status", "on_track", "--narrative",
                "已认定12家", "--figure", "0=12", "--evidence", str(good), "--now", "2022-06-10T09:00", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "2022-06" in ok.stdout and "按进度推进" in ok.stdout
    ticked = _zhida("tasks", "tick", "--now", "2023-01-03T09:00", env=env)
    assert ticked.returncode == 0 and "逾期任务督办 1 项" in ticked.stdout
    xlsx = tmp_path / "r.xlsx"
    assert _zhida("tasks", "export", str(xlsx), "--cycle", "2022-06", "--unit", "市工信局", "--now",
                  "2023-01-03T09:00", env=env).returncode == 0
    rows = list(load_workbook(io.BytesIO(xlsx.read_bytes()))["任务"].values)
    assert len(rows) == 2 and rows[1][7] == "逾期" and rows[1][8] == "市工信局：按进度推进"
    assert "25家：完成 12" in rows[1][10]
    pdf = tmp_path / "r.pdf"
    assert _zhida("tasks", "export", str(pdf), "--cycle", "2022-06", env=env).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
