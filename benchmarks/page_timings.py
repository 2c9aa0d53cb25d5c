"""Every journey's pages in one run, against a real `zhida serve` (targets: p95 ≤ 300 ms a page,
≤ 50 ms a calculator step).

    python -m benchmarks.run --only page_timings [--pages-count 20000] [--pages-requests 40]

The store is the 20,000-enterprise demo as ``dashboard_page`` prepares it (seeds, the synthetic
population, admin and a 朝阳区 staff user, two complete batch runs) plus an enterprise user of a
朝阳区 enterprise, prepared in a child process; then `zhida serve --no-access-log` (one worker)
serves it on loopback and benchmarks/lean_http.py asks for the pages (keep-alive, HTML, no gzip):
the enterprise's checkup page (first view: enterprises nobody has checked yet, so the engine runs;
memoized: the same again), 我的政策, the dashboard as admin and as 朝阳区 staff, /push and one
measure's list, the public 政策解读 page and the 政策计算器's steps (the walks of
``calculator_step``, replayed over HTTP — as htmx asks a step, the fragment, and as a whole page —
and ``zhida.calculator.step`` in this process). Each page
is asked sequentially (one client) and by 4 concurrent clients.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import lean_http
from benchmarks.http_checkup import _cpu_seconds, _free_port, _start, _stop, _tree

NAME = "page_timings"
PAGE_MS, STEP_MS = 300.0, 50.0
CONCURRENT = 4
PASSWORD = "bench-password-1"
INTERPRETED = "002_2f4420f430754317"  # the document the public browser test reads


def prepare(home: Path, count: int) -> None:
    """Child process: the dashboard benchmark's store and an enterprise user; writes names.txt
    (the enterprise user's USCC, then the other 朝阳区 enterprises' USCCs)."""
    from sqlalchemy import select

    from benchmarks.dashboard_page import _prepare
    from zhida.enterprises.tables import Enterprise
    from zhida.web.auth import Actor, create_user

    app = _prepare(home, count)
    store = app.state.store
    with store.sessions() as session:
        usccs = list(session.scalars(select(Enterprise.uscc).where(Enterprise.region_code == "110105")
                                     .where(Enterprise.entity_type == "enterprise").order_by(Enterprise.id)))
    create_user(store, Actor("cli:bench"), username="enterprise", password=PASSWORD, role="enterprise",
                uscc=usccs[0])
    store.close()
    (home / "names.txt").write_text("\n".join(usccs))


def _login(port: int, username: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                    headers={"X-CSRF-Token": token}).raise_for_status()
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


def _calculator_paths() -> list[str]:
    """The GET /calculator of every step of one walk per example profile (calculator_step's walk)."""
    from benchmarks.calculator_step import AS_OF, _truths, _walk
    from zhida.calculator import step
    from zhida.matching.match import load_default_policies

    policies = load_default_policies()
    paths = []

    def call(answers, skipped):
        params = [("as_of", AS_OF.isoformat()), *((f"a.{k}", v) for k, v in answers.items()),
                  *(("skip", f) for f in skipped)]
        paths.append("/calculator?" + urlencode(params))
        s = step(answers, skipped, AS_OF, policies)
        return s.question.fact if s.question else None

    for truth in _truths():
        _walk(truth, call)
    return paths


def _in_process_steps(walks: int) -> list[float]:
    from benchmarks.calculator_step import in_process

    return [wall for wall, _ in in_process(walks, shared=False)]


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)], ordered[-1]


def _row(label: str, clients: int, samples: list[float], target: float, errors: int,
         cpu_ms: float | None = None) -> tuple[str, bool]:
    p50, p95, top = _stats(samples)
    met = p95 <= target and not errors
    cpu = "–" if cpu_ms is None else f"{cpu_ms:.1f}"
    return (f"| {label} | {clients} | {len(samples)} | {p50:.0f} | {p95:.0f} | {top:.0f} | {cpu} | {errors} | "
            f"{'met' if met else 'MISSED'} |"), met


SERVER: list[int] = []  # the server's process id, for its CPU time per request


def _pass(label: str, jobs, clients: int, marker: str, target: float) -> tuple[str, bool]:
    pids = _tree(SERVER[0])
    before = _cpu_seconds(pids)
    load = lean_http.run_sync("127.0.0.1", SERVER[1], jobs, connections=clients, time_limit=600,
                              verify=lambda _r, resp: marker in resp.decoded().decode(), verify_every=1)
    cpu_ms = (_cpu_seconds(pids) - before) * 1000 / max(1, load.count)
    if load.error_samples:
        print(f"{label}: {load.error_samples}", file=sys.stderr)
    return _row(label, clients, load.latencies_ms.get(label, [0.0]), target, load.errors, cpu_ms)


def _measure(port: int, label: str, paths: list[str], headers: dict[str, str], marker: str,
             target: float = PAGE_MS) -> list[tuple[str, bool]]:
    """``paths`` asked one after the other, then the same by CONCURRENT clients; every body must
    contain ``marker`` (the page, not a login form or an error page)."""
    rows = []
    for clients in (1, CONCURRENT):
        jobs = [(lean_http.request(label, "GET", p, host="127.0.0.1", headers=headers),) for p in paths]
        rows.append(_pass(label, jobs, clients, marker, target))
    return rows


def _first_views(port: int, usccs: list[str], headers: dict[str, str]) -> list[tuple[str, bool]]:
    """A checkup page nobody has opened yet: each request a different enterprise."""
    rows, at = [], 0
    n = len(usccs) // 2
    for clients in (1, CONCURRENT):
        label = "checkup page `/enterprises/{uscc}`, first view (admin)"
        jobs = [(lean_http.request(label, "GET", f"/enterprises/{u}", host="127.0.0.1", headers=headers),)
                for u in usccs[at:at + n]]
        at += n
        rows.append(_pass(label, jobs, clients, "体检", PAGE_MS))
    return rows


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages-count", type=int, default=20_000)
    parser.add_argument("--pages-requests", type=int, default=40)
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--pages-workers", type=int, default=1, help="server processes (zhida serve --workers)")
    args, _ = parser.parse_known_args(argv)
    n = args.pages_requests
    with tempfile.TemporaryDirectory(prefix="zhida-pages-bench-") as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "benchmarks.page_timings", "--prepare", tmp, str(args.pages_count)],
                       check=True, env={**os.environ, "ZHIDA_HOME": tmp}, stdout=subprocess.DEVNULL)
        prepared = time.perf_counter() - started
        usccs = (home / "names.txt").read_text().split()
        own, others = usccs[0], usccs[1:]
        calculator = _calculator_paths()
        port = _free_port()
        os.environ["ZHIDA_PUBLIC_RATE"] = "1000000/minute"  # measuring the pages, not the visitor limit
        server = _start(home, home / "zhida.sqlite3", port, args.pages_workers)
        SERVER[:] = [server.pid, port]
        load_before = os.getloadavg()[0]
        try:
            admin, staff, firm = (_login(port, u) for u in ("admin", "chaoyang", "enterprise"))
            top = re.search(r'<tr data-measure="([^"]+)"', _get(port, "/push", staff)).group(1)
            for path, who in (("/dashboard", admin), ("/dashboard", staff), ("/push", staff),
                              (f"/push?measure={top}", staff)):
                _get(port, path, who)  # each view's first request loads the run's cubes / Parquet: untimed
            rows = _first_views(port, others[:2 * n], admin)
            rows += _measure(port, "checkup page `/enterprises/{uscc}`, memoized (admin)",
                             [f"/enterprises/{u}" for u in (others[:2 * n] * 2)[:n]], admin, "体检")
            rows += _measure(port, "checkup page, the enterprise's own (memoized)", [f"/enterprises/{own}"] * n,
                             firm, "体检")
            rows += _measure(port, "我的政策 `/my` (enterprise)", ["/my"] * n, firm, "我的政策")
            rows += _measure(port, "dashboard `/dashboard` (admin)", ["/dashboard"] * n, admin, "工作台")
            rows += _measure(port, "dashboard `/dashboard` (朝阳区 staff)", ["/dashboard"] * n, staff, "工作台")
            rows += _measure(port, "push list `/push` (朝阳区 staff)", ["/push"] * n, staff, "精准推送")
            rows += _measure(port, "one measure's list `/push?measure=…` (朝阳区 staff)",
                             [f"/push?measure={top}"] * n, staff, "精准推送")
            rows += _measure(port, f"政策解读 `/policies/{INTERPRETED}/interpretation` (visitor)",
                             [f"/policies/{INTERPRETED}/interpretation"] * n, {}, "解读")
            rows += _measure(port, "calculator step as the page asks it (htmx `GET /calculator?…`, the step's "
                             "fragment; visitor)", calculator, {"HX-Request": "true"}, "calc-layout", STEP_MS)
            rows += _measure(port, "calculator step as a whole page (`GET /calculator?…` without htmx; visitor)",
                             calculator, {}, "政策计算器", STEP_MS)
        finally:
            _stop(server)
            os.environ.pop("ZHIDA_PUBLIC_RATE", None)
        load_after = os.getloadavg()[0]
    step_rows = [_row("`zhida.calculator.step` in process, a new visitor", 1, _in_process_steps(args.walks),
                      STEP_MS, 0)]
    everything = rows + step_rows
    missed = [r.split("|")[1].strip() + f" ({r.split('|')[2].strip()} client)" for r, ok in everything if not ok]
    return "\n".join([
        f"{args.pages_count:,} demo enterprises, two complete batch runs (store prepared in {prepared:.0f} s); "
        f"`zhida serve --workers {args.pages_workers} --no-access-log` on loopback; the clients are benchmarks/lean_http.py "
        f"(keep-alive, HTML as a browser gets it without gzip), 1 client (sequential) and {CONCURRENT} concurrent "
        f"clients; server CPU per request is the server processes' user + system time over the pass; {n} requests a page and pass (first views: {n} different enterprises each pass; calculator: "
        f"every step of one walk per example profile, {len(calculator)} steps). Load average (1 min) "
        f"{load_before:.1f} at the start of the requests, {load_after:.1f} at the end. Targets: p95 ≤ "
        f"{PAGE_MS:.0f} ms a page, ≤ {STEP_MS:.0f} ms a calculator step.",
        "",
        "| page | clients | requests | p50 ms | p95 ms | max ms | server CPU ms/req | errors | target |",
        "|---|---|---|---|---|---|---|---|---|",
        *(r for r, _ in everything),
        "",
        "The calculator's first pass (htmx, 1 client) is the first time the server sees these answers; the "
        "later passes find the results shared between alike answers already computed, as a server that has "
        f"had visitors does. With {CONCURRENT} clients and {args.pages_workers} server process(es) a request also waits for the "
        "others' (the clients share the cores with the server), so its time is up to "
        f"{CONCURRENT}× a sequential one.",
        "",
        f"Targets {'all met' if not missed else 'missed by: ' + '; '.join(missed)}.",
    ])


def _get(port: int, path: str, headers: dict[str, str]) -> str:
    import httpx

    response = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=300)
    response.raise_for_status()
    return response.text


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        print(main(sys.argv[1:]))
