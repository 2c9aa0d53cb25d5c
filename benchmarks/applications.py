"""政策兑现申请 with a generated year of applications: workflow actions at 50 concurrent users and
the staff pages at that volume.

    python -m benchmarks.run --only applications [--applications 100000] [--actions 1000]
        [--applications-database-url postgresql+psycopg://…/db]   (default: SQLite in a temporary home)
        [--applications-workers 2] [--applications-think-ms 2000] [--home DIR --applications-reuse]

1. A store with the seed documents, then a year (2026) of ``--applications`` applications written
   in bulk (their workflow cases and steps too), spread over ~30 measures and their units, every
   state of the workflow (40 % 已兑现, the rest along the road), created through the year; each one
   a distinct enterprise (the 忻州 worked example's profile, frozen, under its own USCC), so an
   approval passes the ledger's guards (no double payment) as a real one does.
2. The real server (`zhida serve --workers N`, one process by default) and 50 concurrent users (one
   session each, the 市工信局 reviewer, one keep-alive connection each; the clients are
   benchmarks/lean_http.py, so that what is measured is the server, not httpx), each taking
   ``--actions`` / 50 applications of 市工信局 through 受理 (accept), 审核通过 (approve: the rule
   evaluated again on the frozen facts + the ledger's reserve under the enterprise's lock) and 开始公示
   (publish): p50 / p95 / max per action, and the CPU of server, database and clients per action;
   each user sends its next action as soon as the answer came, or after ``--applications-think-ms`` ± 50 %.
3. The staff pages at that volume, one client at a time (20 requests each): the queue (staff of 市工信局,
   the administrator), overdue only, one measure, the per-measure figures, one application, the
   XLSX export of one measure's queue in one state, the monthly report (XLSX and PDF).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

NAME = "applications"
CLIENTS = 50
SEQUENTIAL = 60  # applications taken through the actions by one user alone first (the service time)
TARGET_P95_MS = 100.0
PAGE_TARGET_P95_MS = 300.0
AS_OF = "2022-12-31"
PASSWORD = "bench-password-1"
MEASURE = "xz2022.first-set-equipment-subsidy"
# share of each state in a year's applications (the rest of 100 % is 已兑现)
STATES = {"draft": 6, "submitted": 4, "reviewing": 8, "correcting": 4, "approved": 2, "publicity": 3, "paying": 4,
          "refused": 9, "not_accepted": 4, "withdrawn": 4, "clawed_back": 1}
ROAD = ["draft", "submitted", "reviewing", "approved", "publicity", "paying", "paid"]
INTO = {"submitted": "submit", "reviewing": "accept", "approved": "approve", "publicity": "publish",
        "paying": "publicity_ends", "paid": "pay", "correcting": "request_correction", "refused": "refuse",
        "not_accepted": "not_accept", "withdrawn": "withdraw", "clawed_back": "claw_back"}


def _options(argv):
    parser = argparse.ArgumentParser(prog="benchmarks.applications")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=1000, help="applications taken through accept/approve/publish")
    parser.add_argument("--applications-database-url", default=None)
    parser.add_argument("--applications-workers", type=int, default=1, help="server processes (zhida serve --workers)")
    parser.add_argument("--applications-think-ms", type=int, default=0,
                        help="pause of each user between two actions (0: the next action as soon as the answer came)")
    parser.add_argument("--applications-reuse", action="store_true",
                        help="use the store already generated under --home (its made.json), untouched since")
    parser.add_argument("--applications-no-pages", action="store_true",
                        help="the workflow actions only (the staff pages measured in another run)")
    parser.add_argument("--home", default=None)
    args, _ = parser.parse_known_args(argv)
    return args


def _uscc(n: int) -> str:
    from zhida.enterprises.uscc import check_char

    body = f"9114090{n:010d}"
    return body + check_char(body)


def generate(url: str, count: int, actions: int, seed: int = 12) -> dict:
    """The store, the accounts and a year of applications; returns what the timing needs."""
    from sqlalchemy import insert

    from zhida import config
    from zhida.enterprises.uscc import check_char  # noqa: F401 - used by _uscc
    from zhida.matching.match import load_default_policies
    from zhida.payouts import rules_check
    from zhida.payouts.applications import frozen, materials, routing, service
    from zhida.payouts.applications.tables import Application, ApplicationSnapshot
    from zhida.store import ingest_paths, open_store
    from zhida.web.auth import Actor, create_user
    from zhida.workflow.calendar import add_working_days
    from zhida.workflow.tables import WorkflowCase, WorkflowStep
    from zhida.enterprises.profile import EnterpriseProfile

    rng = random.Random(seed)
    policies = load_default_policies()
    store = open_store(url)
    ingest_paths(store, [config.sources_dir()])
    create_user(store, Actor("cli:bench"), username="admin", password=PASSWORD, role="admin")
    create_user(store, Actor("cli:bench"), username="gxj", password=PASSWORD, role="staff", units=["市工信局"])
    base = json.loads((config.PROJECT_ROOT / "docs/examples/profiles/xinzhou_manufacturer_first_set.json").read_text())
    profile = EnterpriseProfile.model_validate(base)
    as_of = date.fromisoformat(AS_OF)
    measure = policies.measures[MEASURE]
    used = frozen.used_facts(measure, profile, as_of, policies)
    rule = rules_check.evaluate(measure, rules_check.freeze(profile), as_of, policies).amount
    with store.transaction() as session:
        items = materials.for_measure(session, measure, policies)
    others = []
    for m in policies.measures.values():
        try:
            r = routing.route(m, "110105" if all(routing.is_district_code(j) for j in m.jurisdiction or ["1"]) else None)
        except Exception:  # noqa: BLE001 - a measure no application can be routed for
            continue
        if m.enterprise_benefit and m.id != MEASURE:
            others.append((m, r))
    others = rng.sample(others, min(29, len(others)))
    route = routing.route(measure, profile.region_code)
    weights = list(STATES.values()) + [100 - sum(STATES.values())]
    states = list(STATES) + ["paid"]
    year = datetime(2026, 1, 1, tzinfo=UTC)
    apps, cases, steps, snapshots = [], [], [], []
    wanted = []  # submitted 市工信局 applications of the measure: the action benchmark's
    for i in range(1, count + 1):
        chosen_action = len(wanted) < actions and i % 7 == 0
        if chosen_action or rng.random() < 0.3:
            m, r = measure, route
        else:
            m, r = rng.choice(others)
        state = "submitted" if chosen_action else rng.choices(states, weights)[0]
        created = year + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
        path = ROAD[:ROAD.index(state) + 1] if state in ROAD else {
            "correcting": ["draft", "submitted", "reviewing", "correcting"],
            "refused": ["draft", "submitted", "reviewing", "refused"],
            "not_accepted": ["draft", "submitted", "not_accepted"], "withdrawn": ["draft", "withdrawn"],
            "clawed_back": ROAD + ["clawed_back"]}[state]
        at, when = created, []
        for _ in path:
            when.append(at)
            at = at + timedelta(hours=rng.randrange(2, 24 * 8))
        entered = when[-1]
        spec = service.WORKFLOW.states[state]
        due = add_working_days(entered, spec.limit).at if spec.limit is not None and not spec.final else (
            entered + timedelta(days=10) if state == "correcting" else None)
        approved = (rule if m is measure else None) if state in ("approved", "publicity", "paying", "paid",
                                                                  "clawed_back") else None
        uscc = _uscc(i)
        apps.append({"id": i, "case_id": i, "uscc": uscc, "enterprise_name": f"忻州测试{i}号装备制造有限公司",
                     "region_code": profile.region_code, "measure_id": m.id, "measure_title": m.title,
                     "level": r.level, "unit": r.unit, "district": r.district, "payer_unit": r.payer_unit,
                     "as_of": as_of, "period": "2022", "rule_amount": rule if m is measure else None, "approved_amount": approved,
                     "materials": items, "declared": state != "draft", "created_by": f"ent{i}", "created_at": created,
                     "submitted_at": when[1] if len(when) > 1 else None,
                     "decided_at": when[3] if len(when) > 3 and state not in ("correcting",) else None,
                     "paid_at": when[6] if state in ("paid", "clawed_back") else None,
                     "state": state, "open_due_at": None if spec.final else due})
        snapshots.append({"application_id": i, "facts": {"profile": {**base, "uscc": uscc}}, "used_facts": used})
        cases.append({"id": i, "workflow": "application", "subject_type": "application", "subject_id": str(i),
                      "state": state, "version": len(path), "unit": r.unit, "entered_at": entered, "due_at": due,
                      "due_estimated": False, "escalated_at": None, "closed": spec.final, "created_at": created})
        previous = None
        for name, instant in zip(path, when):
            steps.append({"case_id": i, "transition": "" if previous is None else INTO[name], "from_state": previous,
                          "to_state": name, "role": "applicant", "actor": f"ent{i}", "actor_id": None, "at": instant,
                          "reason": None, "data": None})
            previous = name
        if chosen_action:
            wanted.append(i)
    with store.transaction() as session:
        for table, rows in ((WorkflowCase, cases), (Application, apps), (ApplicationSnapshot, snapshots),
                            (WorkflowStep, steps)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start:start + 5000])
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            from sqlalchemy import text

            for table in ("workflow_cases", "payout_applications", "workflow_steps"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
                connection.execute(text(f"ANALYZE {table}"))
    store.close()
    return {"wanted": wanted, "steps": len(steps)}


def _login(url: str, username: str) -> dict[str, str]:
    """A logged-in session's headers (cookie and CSRF token), taken before the clock starts."""
    import httpx

    with httpx.Client(base_url=url, timeout=120) as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                             headers={"X-CSRF-Token": token})
        answer.raise_for_status()
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
                "X-CSRF-Token": answer.json()["csrf_token"], "Content-Type": "application/json"}


def _jobs(url: str, wanted: list[int], users: int) -> list:
    """Each user's requests (a session of its own, logged in now, before the clock starts): its
    share of ``wanted`` taken through accept, approve, publish, with the versions they will have."""
    from benchmarks import lean_http

    host = url.removeprefix("http://")
    jobs = []
    for k in range(users):
        headers = _login(url, "gxj")
        job = []
        for application_id in wanted[k::users]:
            for version, transition in enumerate(("accept", "approve", "publish"), start=2):
                body = json.dumps({"transition": transition, "expected_version": version}).encode()
                job.append(lean_http.request(transition, "POST", f"/api/v1/applications/{application_id}/transitions",
                                             host=host, headers=headers, body=body))
        jobs.append(job)
    return jobs


def _actions(url: str, jobs: list, think_ms: int = 0) -> dict[str, list[float]]:
    """The users at once, one keep-alive connection each. The clients are benchmarks/lean_http.py
    (asyncio streams, prepared requests): 50 httpx clients cost ~4 CPU-ms an action on the very
    cores the server needs."""
    from benchmarks import lean_http

    port = int(url.rsplit(":", 1)[1])
    pause = (lambda: think_ms / 1000 * random.uniform(.5, 1.5)) if think_ms else None
    load = lean_http.run_sync("127.0.0.1", port, jobs, connections=len(jobs), time_limit=3600, pause=pause)
    times: dict = {name: load.latencies_ms.get(name, []) for name in ("accept", "approve", "publish")}
    times["errors"] = load.error_samples + ["…"] * max(0, load.errors - len(load.error_samples))
    return times


def _pages(url: str, measure_id: str, some_id: int) -> list[tuple[str, str, list[float]]]:
    import httpx

    month = "2026-06"
    views = [("市工信局审核人员", "gxj", "/applications"),
             ("市工信局审核人员", "gxj", "/applications?overdue=true"),
             ("市工信局审核人员", "gxj", f"/applications?measure={measure_id}&state=reviewing"),
             ("市工信局审核人员", "gxj", "/api/v1/applications/figures"),
             ("市工信局审核人员", "gxj", f"/applications/{some_id}"),
             ("管理员（全市）", "admin", "/applications"),
             ("管理员（全市）", "admin", "/api/v1/applications?state=paying&page=3"),
             ("市工信局审核人员", "gxj", f"/api/v1/applications/export.xlsx?measure_id={measure_id}&state=reviewing"),
             ("管理员（全市）", "admin", f"/api/v1/applications/report.xlsx?month={month}"),
             ("管理员（全市）", "admin", f"/api/v1/applications/report.pdf?month={month}")]
    out = []
    sessions = {}
    for who in ("gxj", "admin"):
        client = httpx.Client(base_url=url, timeout=120)
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        client.post("/api/v1/auth/login", json={"username": who, "password": PASSWORD},
                    headers={"X-CSRF-Token": token}).raise_for_status()
        sessions[who] = client
    for label, who, path in views:
        client = sessions[who]
        assert client.get(path).status_code == 200, path  # warm-up (templates, the policies)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        out.append((label, path, times))
    for client in sessions.values():
        client.close()
    return out


def _ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and every process below it (the server's workers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _ticks(pid)
        todo += parents.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def _database_cpu(url: str) -> dict[int, float]:
    """PostgreSQL: CPU seconds so far of each backend serving this database (by pid)."""
    if not url.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return {pid: _ticks(pid) / os.sysconf("SC_CLK_TCK") for pid in pids}


def _cpu(server_pid: int, url: str) -> dict:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"server": _tree_cpu(server_pid), "database": _database_cpu(url), "clients": usage.ru_utime + usage.ru_stime,
            "wall": time.perf_counter()}


def _cpu_used(before: dict, after: dict) -> dict:
    database = sum(seconds - before["database"].get(pid, 0.0) for pid, seconds in after["database"].items())
    return {"server": after["server"] - before["server"], "database": database,
            "clients": after["clients"] - before["clients"], "wall": after["wall"] - before["wall"]}


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _serve(url: str, home: Path, workers: int):
    """`zhida serve --workers N` on a free port (benchmarks.desk_year.serve, with the worker count)."""
    import socket
    import subprocess

    from benchmarks.desk_year import SERVE, _free_port

    port = _free_port()
    log = (home / "server.log").open("w")
    child = subprocess.Popen([*SERVE, "--port", str(port), "--no-access-log", "--workers", str(workers),
                              "--database-url", url], env={**os.environ, "ZHIDA_HOME": str(home)},
                             stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 600  # the first start upgrades the schema (1012 fills two columns)
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError((home / "server.log").read_text()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(2 if workers > 1 else 0)  # every worker up, not just the first
                return child, port
        except OSError:
            time.sleep(0.3)
    child.kill()
    raise RuntimeError("server did not start")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str]) -> str:
    args = _options(argv)
    home = Path(args.home or tempfile.mkdtemp(prefix="zhida-applications-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["ZHIDA_HOME"] = str(home)
    url = args.applications_database_url or f"sqlite:///{home / 'bench.sqlite3'}"
    started = time.perf_counter()
    if args.applications_reuse:
        made = json.loads((home / "made.json").read_text())
    else:
        made = generate(url, args.applications, args.actions)
        (home / "made.json").write_text(json.dumps(made))
    generated = time.perf_counter() - started
    before_load = _load()
    server, port = _serve(url, home, args.applications_workers)
    try:
        base = f"http://127.0.0.1:{port}"
        first, many = _jobs(base, made["wanted"][:SEQUENTIAL], 1), _jobs(base, made["wanted"][SEQUENTIAL:], CLIENTS)
        cpu_start = _cpu(server.pid, url)
        alone = _actions(base, first)
        cpu_alone = _cpu(server.pid, url)
        times = _actions(base, many, args.applications_think_ms)
        cpu_end = _cpu(server.pid, url)
        after_load = _load()
        pages = [] if args.applications_no_pages else _pages(base, MEASURE, made["wanted"][0])
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = times.pop("errors") + alone.pop("errors")
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    made_text = ("generated earlier (`--applications-reuse`)" if args.applications_reuse
                 else f"generated in {generated:.0f} s")
    think = (f"a pause of {args.applications_think_ms} ms ± 50 % between a user's actions"
             if args.applications_think_ms else "each action sent as soon as the previous answer came (no think time)")
    lines = [f"Store: {backend}; {args.applications:,} applications of 2026 {made_text} "
             f"({made['steps']:,} workflow steps); server: `zhida serve --workers {args.applications_workers}`; "
             f"load average (1/5/15 min) before the actions {before_load}, after {after_load}.", "",
             f"Workflow actions, {CLIENTS} concurrent users (one session each, the 市工信局 reviewer), "
             f"{think}; first one user alone "
             f"({SEQUENTIAL} applications), then {CLIENTS} users ({len(made['wanted']) - SEQUENTIAL} applications), "
             f"each application taken through three actions (target p95 ≤ {TARGET_P95_MS:.0f} ms):", "",
             "| users | action | requests | p50 ms | p95 ms | max ms | target |",
             "| ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for users, measured in ((1, alone), (CLIENTS, times)):
        for name, label in (("accept", "受理"), ("approve", "审核通过（规则重算 + 台账预留）"), ("publish", "开始公示")):
            values = measured[name]
            if values:
                p95 = _p(values, .95)
                lines.append(f"| {users} | {label} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | "
                             f"{max(values):.0f} | {'met' if p95 <= TARGET_P95_MS else 'missed'} |")
    lines += ["", "CPU per action (CPU seconds of the server's processes, of the PostgreSQL backends serving this "
              "database, and of this benchmark's own clients, divided by the actions taken; wall: the phase's "
              "duration):", "",
              "| users | actions | actions/s | server CPU-ms/action | database CPU-ms/action | clients CPU-ms/action "
              "| total CPU-ms/action |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for users, measured, used in ((1, alone, _cpu_used(cpu_start, cpu_alone)),
                                  (CLIENTS, times, _cpu_used(cpu_alone, cpu_end))):
        count = sum(len(measured[k]) for k in ("accept", "approve", "publish"))
        if count:
            total = used["server"] + used["database"] + used["clients"]
            lines.append(f"| {users} | {count} | {count / used['wall']:.0f} | {1000 * used['server'] / count:.1f} | "
                         f"{1000 * used['database'] / count:.1f} | {1000 * used['clients'] / count:.1f} | "
                         f"{1000 * total / count:.1f} |")
    lines += ["", f"Errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else "")]
    if not pages:
        return "\n".join(lines)
    lines += ["", f"Staff pages at this volume, one client, 20 requests each after a warm-up (target p95 ≤ {PAGE_TARGET_P95_MS:.0f} ms "
              "for pages; exports are downloads, reported):", "",
              "| who | request | p50 ms | p95 ms | max ms |", "| --- | --- | ---: | ---: | ---: |"]
    for label, path, values in pages:
        lines.append(f"| {label} | `{path}` | {statistics.median(values):.0f} | {_p(values, .95):.0f} | {max(values):.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
