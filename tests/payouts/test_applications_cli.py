"""`zhida payouts tick --now …` moves a publicity that ended on to 拨付 (the clock injected);
`zhida payouts applications list` and `report` read the same store (report read back)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from openpyxl import load_workbook

from zhida.matching.match import load_default_policies
from zhida.payouts.applications import service
from zhida.store import open_store

from .application_fixtures import AS_OF, MEASURE, NOW, PDF, people, profile

RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]


def _zhida(*args, env):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=300)


def test_tick_list_and_monthly_report(tmp_path):
    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    env = {**os.environ, "ZHIDA_HOME": str(tmp_path), "ZHIDA_DATABASE_URL": url}
    who = people(profile().uscc)
    policies = load_default_policies()
    store = open_store(url)
    with store.transaction() as session:
        a = service.start(session, profile=profile(), enterprise_name="忻州命令行装备有限公司", measure_id=MEASURE,
                          person=who["applicant"], now=NOW, as_of=AS_OF, policies=policies)
        service.declare(session, a, who["applicant"], True, now=NOW)
        for item in a.materials:
            service.attach(session, a, who["applicant"], material=item["name"], filename="x.pdf", data=PDF, now=NOW)
        for name, role in (("submit", "applicant"), ("accept", "acceptor"), ("approve", "reviewer"),
                           ("publish", "reviewer")):
            service.act(session, a, who[role], name, now=NOW, policies=policies)
        application_id = a.id
    store.close()

    early = _zhida("payouts", "tick", "--now", "2026-12-10T23:59+08:00", env=env)
    assert early.returncode == 0, early.stderr
    assert "0 件公示期满转入拨付" in early.stdout
    done = _zhida("payouts", "tick", "--now", "2026-12-11T00:00+08:00", env=env)
    assert "1 件公示期满转入拨付" in done.stdout, done.stdout + done.stderr
    listed = _zhida("payouts", "applications", "list", "--state", "paying", env=env)
    assert listed.returncode == 0 and "拨付" in listed.stdout and "共 1 件" in listed.stdout
    bad = _zhida("payouts", "tick", "--now", "下周", env=env)
    assert bad.returncode == 2 and "不是时刻" in bad.stderr

    out = tmp_path / "month.xlsx"
    report = _zhida("payouts", "applications", "report", "--month", "2026-12", "--out", str(out), env=env)
    assert report.returncode == 0, report.stderr
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("层级", "区县", "责任单位")
    assert rows[1][2] == "市工信局" and rows[1][3] == 1 and rows[1][4] == 1 and rows[1][5] == 280000
    store = open_store(url)
    with store.transaction() as session:
        assert service.case_of(session, service.get(session, application_id)).state == "paying"
    store.close()
