"""A generated year of 1,000,000 requests (诉求) on PostgreSQL: the officer's and the leader's
pages (targets: p95 ≤ 300 ms) and the monthly figures for all units (target: ≤ 5 s).

    PYTHONPATH=src python -m benchmarks.desk_year [--requests 1000000] [--database-url URL] [--keep]

The store is made from scratch in the given database (default: a fresh schema ``desk_bench`` in
postgresql://postgres@127.0.0.1:5432/zt_desk, dropped afterwards unless --keep): migrations, then
requests, their workflow cases, 会商 rows and cited clauses written with COPY — 60 units (市级 and
区级, volumes skewed: the busiest unit gets ~12%), every type and kind, twelve months, 85% closed,
the rest spread over the open states, ratings, late steps and reopenings at realistic rates.
Then, in process, ``figures.monthly`` for all units of one month (plus per type, the trend over
twelve months and the back-to-policy counts), and over HTTP against ``zhida serve`` (one worker,
loopback, one client, sequential): the officer's queue pages, a request page, the leader's figures
page. Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVE = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()", "serve"]
BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/zt_desk"
SCHEMA = "desk_bench"
PASSWORD = "correct-horse-9"
NULL = "\\N"  # COPY text format
STATES = [("submitted", 0.01), ("accepted", 0.01), ("dispatched", 0.02), ("handling", 0.06), ("objected", 0.005),
          ("answered", 0.045), ("refused", 0.01), ("closed", 0.84)]
CITES = ["《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（六）",
         "《忻州市促进工业经济平稳增长行动方案》（忻政办发〔2022〕34号）第一条第12项",
         "《朝阳区统筹疫情防控和稳定经济增长的实施方案》第一条（一）第1项"] + [f"《某文件》第{i}条" for i in range(1, 40)]


def units() -> list[str]:
    from zhida.desk import offices

    city = [u for u in offices.load().units() if u.startswith("市")]
    extra = [f"市第{i}局" for i in range(1, 30 - len(city) + 1)]
    district = [f"区{name}" for name in ("税务局", "财政局", "发展改革委", "科技和信息化局", "人力资源社会保障局",
                                        "市场监管局", "商务局", "住房城乡建设委", "政务服务局", "金融办")]
    district += [f"区第{i}局" for i in range(1, 21)]
    return (city + extra)[:30] + district[:30]


def _pick(weights_cum, rnd: random.Random, items):
    r = rnd.random()
    for item, limit in zip(items, weights_cum):
        if r <= limit:
            return item
    return items[-1]


def generate(url: str, count: int, seed: int = 13) -> dict:
    """COPY ``count`` requests (and their cases, consults, citations) into the store at ``url``."""
    import psycopg

    from zhida.desk import offices
    from zhida.workflow.calendar import BEIJING

    rnd = random.Random(seed)
    names = units()
    weights = [1 / (i + 1) ** 0.9 for i in range(len(names))]
    total = sum(weights)
    cum, acc = [], 0.0
    for w in weights:
        acc += w / total
        cum.append(acc)
    state_names = [s for s, _ in STATES]
    state_cum, acc = [], 0.0
    for _, w in STATES:
        acc += w
        state_cum.append(acc)
    types = list(offices.load().types)
    kinds = ["consult"] * 6 + ["help"] * 2 + ["complaint", "suggestion"]
    start = datetime(2025, 12, 1, tzinfo=BEIJING).astimezone(UTC)
    span = (datetime(2026, 12, 1, tzinfo=BEIJING).astimezone(UTC) - start).total_seconds()
    plain = make_url(url).set(drivername="postgresql")
    options = dict(make_url(url).query).get("options")
    conninfo = plain.render_as_string(hide_password=False).split("?")[0]
    t0 = time.perf_counter()
    with psycopg.connect(conninfo, options=options) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM workflow_cases")
            base = cur.fetchone()[0]
            cases, reqs, consults, cites = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
            for i in range(1, count + 1):
                cid = base + i
                unit = _pick(cum, rnd, names)
                received = start + timedelta(seconds=rnd.random() * span)
                month = received.astimezone(BEIJING).strftime("%Y-%m")
                state = _pick(state_cum, rnd, state_names)
                dispatched = state not in ("submitted", "accepted", "refused")
                answered = state in ("answered", "closed")
                rating = solved = None
                if state == "closed":
                    r = rnd.random()
                    rating = "satisfied" if r < 0.78 else "basic" if r < 0.9 else "unsatisfied" if r < 0.95 else None
                    solved = None if rating is None else (rating != "unsatisfied" and rnd.random() < 0.95)
                late = rnd.random() < 0.06
                at = lambda hours: (received + timedelta(hours=hours)).isoformat()  # noqa: E731
                kind = rnd.choice(kinds)
                line = "enterprise" if rnd.random() < 0.7 else "general"
                receiving = "涉企专席" if line == "enterprise" else "12345企业服务热线"
                closed = state in ("closed", "refused")
                due = None if closed else (received + timedelta(days=rnd.randint(-3, 5))).isoformat()
                escalated = at(40) if late and not closed else NULL
                cases.write("\t".join([str(cid), "desk_request", "desk_request", str(cid), state, str(rnd.randint(2, 8)),
                                        unit if dispatched else receiving, at(30), due or NULL, "f", escalated,
                                        "t" if closed else "f", received.isoformat()]) + "\n")
                reqs.write("\t".join([
                    str(cid), f"GD{cid:09d}" if line == "general" else "\\N", "hotline" if line == "general" else "web",
                    line, kind, rnd.choice(types), "\\N", f"诉求人{i % 9973}", "\\N", f"第{i}号诉求", "企业反映的具体困难和问题。",
                    receiving, unit if dispatched else receiving, "[]", str(cid), "\\N", "\\N",
                    "已答复。" if answered else "\\N", "[]", rating or "\\N",
                    "\\N" if solved is None else ("t" if solved else "f"), str(int(rating == "unsatisfied")),
                    str(int(late)), "\\N" if not dispatched else ("f" if late else "t"), received.isoformat(),
                    at(2), at(4) if dispatched else "\\N", at(8) if dispatched else "\\N",
                    at(60) if answered else "\\N", at(80) if state == "closed" and rating else "\\N",
                    at(80) if closed else "\\N", "0", "0" if not dispatched else str(int(late)),
                    "0" if not dispatched else str(int(late) * 2), str(rnd.randint(1, 6)) if answered else "\\N",
                    month, "\\N", "\\N", "\\N"]) + "\n")
                if dispatched and rnd.random() < 0.05:
                    consults.write(f"{cid}\t{_pick(cum, rnd, names)}\n")
                if answered and rnd.random() < 0.3:
                    cites.write(f"{cid}\t000\t3.6\t{rnd.choice(CITES)}\t{kind}\t{unit}\t{month}\n")
                if i % 200_000 == 0 or i == count:
                    _flush(cur, cases, reqs, consults, cites)
                    cases, reqs, consults, cites = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
            cur.execute("SELECT setval(pg_get_serial_sequence('workflow_cases', 'id'), (SELECT MAX(id) FROM workflow_cases))")
            cur.execute("SELECT setval(pg_get_serial_sequence('desk_requests', 'id'), (SELECT MAX(id) FROM desk_requests))")
        conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
    return {"seconds": time.perf_counter() - t0, "units": names}


def _flush(cur, cases, reqs, consults, cites) -> None:
    copies = [
        ("COPY workflow_cases (id, workflow, subject_type, subject_id, state, version, unit, entered_at, due_at, "
         "due_estimated, escalated_at, closed, created_at) FROM STDIN", cases),
        ("COPY desk_requests (id, ticket_id, source, line, kind, category, uscc, requester, contact, title, text, "
         "receiving_unit, unit, co_units, case_id, merged_into, suggestion, answer, citations, rating, solved, reopened, "
         "overdue, responded_in_time, received_at, accepted_at, dispatched_at, signed_at, answered_at, rated_at, closed_at, "
         "days_accept, days_dispatch, days_sign, days_handle, month, need_id, visit_id, created_by) FROM STDIN", reqs),
        ("COPY desk_consults (request_id, unit) FROM STDIN", consults),
        ("COPY desk_citations (request_id, document, clause_id, cite, kind, unit, month) FROM STDIN", cites),
    ]
    for sql, buffer in copies:
        with cur.copy(sql) as copy:
            copy.write(buffer.getvalue())


def time_figures(store, month: str, runs: int = 5) -> list[float]:
    from zhida.desk import figures

    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with store.sessions() as session:
            lines = figures.monthly(session, [month])
            figures.monthly(session, [month], by_category=True)
            figures.trend(session, None, figures.months_back(month, 12))
            figures.policy_feedback(session, figures.months_back(month, 12))
        out.append(time.perf_counter() - t0)
    assert len(lines) >= 50, len(lines)
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, home: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "ZHIDA_HOME": str(home)}
    log = (home / "server.log").open("w")
    child = subprocess.Popen([*SERVE, "--port", str(port), "--no-access-log", "--database-url", url], env=env,
                             stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError((home / "server.log").read_text()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return child, port
        except OSError:
            time.sleep(0.3)
    child.kill()
    raise RuntimeError("server did not start")


def time_pages(port: int, pages: dict[str, tuple[str, str]], n: int) -> dict[str, list[float]]:
    import httpx

    clients: dict[str, httpx.Client] = {}
    out: dict[str, list[float]] = {}
    for label, (user, path) in pages.items():  # one line printed per page as it is done
        if user not in clients:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
            token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
            response = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD},
                                   headers={"X-CSRF-Token": token})
            response.raise_for_status()
            clients[user] = client
        client = clients[user]
        client.get(path)  # warm
        times, errors = [], 0
        for _ in range(n):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            errors += response.status_code != 200
        out[label] = times
        print(f"| {label} | {len(times)} | {statistics.median(times):.0f} | {p95(times):.0f} | {max(times):.0f} | "
              f"{errors} | {'met' if p95(times) <= 300 and not errors else 'MISSED'} |", flush=True)
    for client in clients.values():
        client.close()
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=BASE)
    parser.add_argument("--pages", type=int, default=60, help="requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the generated schema")
    parser.add_argument("--reuse", action="store_true", help="time a schema kept by an earlier --keep run")
    args = parser.parse_args(argv)

    from zhida.store import open_store
    from zhida.web.auth import Actor, create_user

    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    if not args.reuse:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            c.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(
        hide_password=False)
    home = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    os.environ["ZHIDA_SEARCH_DIR"] = str(home / "search")
    try:
        store = open_store(url)
        made = {"seconds": 0.0, "units": units()} if args.reuse else generate(url, args.requests)
        from zhida.desk import offices

        supervisor = offices.load().supervisor
        busiest, small = next(u for u in made["units"] if u != supervisor), made["units"][45]
        for username, role, their_units in (("bench_admin", "admin", []), ("bench_busy", "staff", [busiest]),
                                      ("bench_super", "staff", [supervisor]),
                                      ("bench_small", "staff", [small]), ("bench_line", "staff", ["涉企专席"])):
            try:
                create_user(store, Actor("cli:bench"), username=username, password=PASSWORD, display_name=username,
                            role=role, units=their_units)
            except Exception:  # noqa: BLE001 - made by the run that generated this schema (--reuse)
                pass
        with store.sessions() as s:
            rows = s.execute(text("SELECT count(*) FROM desk_requests")).scalar()
            sample = s.execute(text("SELECT id FROM desk_requests WHERE unit = :u ORDER BY id DESC LIMIT 1"),
                               {"u": busiest}).scalar()
            busy_share = s.execute(text("SELECT count(*) FROM desk_requests WHERE unit = :u"), {"u": busiest}).scalar()
        month = "2026-11"
        fig = time_figures(store, month)
        store.close()
        print(f"requests: {rows:,}; generated in {made['seconds']:.0f} s; month {month}", flush=True)
        print(f"monthly figures, all units (monthly + by type + 12-month trend + policy): "
              f"runs {', '.join(f'{x:.2f}' for x in fig)} s; max {max(fig):.2f} s (target ≤ 5 s)", flush=True)
        print("| page | requests | p50 ms | p95 ms | max ms | errors | target |\n|---|---|---|---|---|---|---|", flush=True)
        server, port = serve(url, home)
        try:
            pages = {
                f"officer queue /desk ({busiest}, {busy_share:,} requests)": ("bench_busy", "/desk"),
                "officer queue 办理中 /desk?state=handling": ("bench_busy", "/desk?state=handling"),
                "officer queue 督办 /desk?overdue=true": ("bench_busy", "/desk?overdue=true"),
                f"officer queue /desk ({small})": ("bench_small", "/desk"),
                "督办单位 queue (sees every request) /desk?overdue=true": ("bench_super", "/desk?overdue=true"),
                "涉企专席 queue /desk?line=enterprise": ("bench_line", "/desk?line=enterprise"),
                "request page /desk/requests/{id}": ("bench_busy", f"/desk/requests/{sample}"),
                "leader figures /desk/figures (own unit)": ("bench_busy", f"/desk/figures?month={month}"),
                "leader figures /desk/figures (admin, all units)": ("bench_admin", f"/desk/figures?month={month}"),
                "API /api/v1/requests (officer)": ("bench_busy", "/api/v1/requests"),
            }
            timings = time_pages(port, pages, args.pages)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(json.dumps({"figures_s": fig, "pages": {k: [round(p95(v), 1)] for k, v in timings.items()}},
                         ensure_ascii=False))
    finally:
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
