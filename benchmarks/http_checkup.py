"""An enterprise checkup through the HTTP API at 50 concurrent clients on loopback.

The real command (`zhida serve --workers N --no-access-log`) over a SQLite store with the seed
documents and a synthetic population; 50 keep-alive clients each ask
GET /api/v1/enterprises/{uscc}/checkup (Accept-Encoding: gzip) for enterprises of the population.
Passes, each with p50/p95/max latency, throughput, errors, CPU per request of server and
clients, and the load average:
- cold: the first checkup of each enterprise (the engine runs);
- warm: repeated checkups of enterprises already checked (after an untimed warm-up pass of the
  same size, so that with several workers every worker has memoized every enterprise);
- edit: PATCH a fact (the engine re-runs at once), then GET the checkup again (re-check); every
  re-check body is compared byte for byte, after the run, with a fresh engine run on the stored
  profile (a stale memo would fail it).
The clients are benchmarks/lean_http.py (asyncio streams, uvloop) unless ``--client httpx``.
    python -m benchmarks.run --only http_checkup [--workers 1,2] [--enterprises 300] [--requests 3000]
    python -m benchmarks.http_checkup [same options]       (prints, does not write RESULTS.md)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import lean_http

NAME = "HTTP checkup, 50 concurrent clients"
CLIENTS = 50
TARGET_P95_MS = 100.0
AS_OF = "2022-12-31"
USER, PASSWORD = "bench", "bench-password-1"
SERVE = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()", "serve"]


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.http_checkup")
    parser.add_argument("--requests", type=int, default=3000, help="warm requests")
    parser.add_argument("--enterprises", type=int, default=300, help="synthetic enterprises (one cold request each)")
    parser.add_argument("--edits", type=int, default=100, help="edit + re-check pairs")
    parser.add_argument("--workers", default="1,2", help="server processes, e.g. 1,2 (one full run each)")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean")
    parser.add_argument("--home", help="work directory to keep (store, server logs); default a temporary one")
    args, _ = parser.parse_known_args(argv)
    return args


# --- the server ----------------------------------------------------------------------------------

def prepare(home: Path, population: int) -> None:
    """Child process: the store (seed documents, population, one admin) and the list of USCCs."""
    import datetime as dt

    from sqlalchemy import select

    from zhida import config
    from zhida.enterprises.generate import generate, store_population
    from zhida.enterprises.tables import Enterprise
    from zhida.store import ingest_paths, open_store
    from zhida.web import tables  # noqa: F401 - the web tables
    from zhida.web.auth import Actor, create_user

    store = open_store(f"sqlite:///{home / 'bench.sqlite3'}")
    try:
        ingest_paths(store, [config.SOURCES_DIR])
        store_population(generate(population, 11, dt.date.fromisoformat(AS_OF)), store)
        create_user(store, Actor("cli:bench"), username=USER, password=PASSWORD, role="admin")
        with store.sessions() as session:
            usccs = list(session.scalars(select(Enterprise.uscc).order_by(Enterprise.id)))
    finally:
        store.close()
    (home / "usccs.txt").write_text("\n".join(usccs))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(home: Path, db: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "ZHIDA_HOME": str(home), "ZHIDA_AS_OF": AS_OF}
    log = home / f"server-{workers}.log"  # a file, not a pipe: an unread pipe would block the server
    with log.open("w") as sink:
        child = subprocess.Popen([*SERVE, "--port", str(port), "--workers", str(workers), "--no-access-log",
                                  "--database-url", f"sqlite:///{db}"], env=env, stdout=sink, stderr=sink,
                                 start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            if len(_tree(child.pid)) > workers or workers == 1:
                time.sleep(1.0 if workers > 1 else 0.2)  # every worker has built its app
                return child
        except OSError:
            pass
        time.sleep(0.2)
    child.kill()
    raise RuntimeError("server did not start in 120 s")


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# --- the clients ---------------------------------------------------------------------------------

def _login(url: str) -> tuple[dict[str, str], str]:
    import httpx

    with httpx.Client(base_url=url, timeout=60) as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        response = client.post("/api/v1/auth/login", json={"username": USER, "password": PASSWORD},
                               headers={"X-CSRF-Token": token})
        response.raise_for_status()
        return dict(client.cookies), response.json()["csrf_token"]


def _run_httpx(url: str, jobs, cookies: dict[str, str], token: str, verify) -> lean_http.Load:
    """The same jobs through 50 httpx.AsyncClients (for comparison with the lean client)."""
    import asyncio

    import httpx

    load = lean_http.Load()
    pending = iter(enumerate(jobs))

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120, cookies=cookies,
                                     headers={"X-CSRF-Token": token, "Content-Type": "application/json"}) as c:
            for index, job in pending:
                for step, req in enumerate(job):
                    start = time.perf_counter()
                    try:
                        r = await c.request(req.method, req.path, content=req.body or None)
                        raw = lean_http.Response(r.status_code, {}, r.content)  # httpx has decoded it
                        if r.status_code != 200:
                            load.error(f"{req.method} {req.path}: HTTP {r.status_code}")
                        else:
                            if req.keep:
                                load.kept[(index, step)] = r.content
                            if index % 50 == 0:
                                load.verified += 1
                                if not verify(req, raw):
                                    load.error(f"{req.method} {req.path}: body failed verification")
                        load.statuses[r.status_code] = load.statuses.get(r.status_code, 0) + 1
                    except httpx.HTTPError as exc:
                        load.error(f"{req.method} {req.path}: {exc!r}")
                    load.latencies_ms.setdefault(req.kind, []).append((time.perf_counter() - start) * 1000)

    async def everything() -> None:
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        load.wall_s = time.perf_counter() - started

    asyncio.run(everything())
    return load


def _verify_checkup(measures: list[int]):
    def verify(req: lean_http.Request, response: lean_http.Response) -> bool:
        if req.method != "GET":
            return True
        body = json.loads(response.decoded())
        uscc = req.path.split("/")[-2]
        if not measures:
            measures.append(len(body["results"]))
        return (body.get("schema") == "zhida.match/1" and body["enterprise"]["uscc"] == uscc
                and len(body["results"]) == measures[0])
    return verify


# --- one run -------------------------------------------------------------------------------------

def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _pass(label: str, jobs, *, server: subprocess.Popen, port: int, client: str, cookies, token,
          verify) -> tuple[list[str], lean_http.Load]:
    pids = _tree(server.pid)
    load_before = _loadavg()
    server_before, client_before = _cpu_seconds(pids), time.process_time()
    if client == "lean":
        load = lean_http.run_sync("127.0.0.1", port, jobs, connections=CLIENTS, time_limit=900, verify=verify)
    else:
        load = _run_httpx(f"http://127.0.0.1:{port}", jobs, cookies, token, verify)
    server_ms = (_cpu_seconds(pids) - server_before) * 1000 / max(1, load.count)
    client_ms = (time.process_time() - client_before) * 1000 / max(1, load.count)
    cpu = f"{server_ms:.2f} / {client_ms:.2f}"
    loads = f"{load_before} → {_loadavg()}"
    lines = []
    for kind, latencies in load.latencies_ms.items():
        lines.append(_line(f"{label}: {kind}" if kind != label else label, latencies, load, cpu, loads))
        cpu = loads = "〃"
    if load.error_samples:
        print(f"{label}: errors, e.g. {load.error_samples}", file=sys.stderr)
    return lines, load


def _line(label: str, latencies: list[float], load: lean_http.Load, cpu: str, loads: str) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    verdict = "met" if p95 <= TARGET_P95_MS and not load.errors else "missed"
    return (f"| {label} | {len(ordered):,} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} | "
            f"{len(ordered) / load.wall_s:.0f} | {load.errors} | {cpu} | {loads} | {verdict} |")


def _one_run(home: Path, workers: int, args, usccs: list[str]) -> tuple[list[str], int]:
    db = home / f"run-{workers}.sqlite3"
    shutil.copy(home / "bench.sqlite3", db)
    port = _free_port()
    server = _start(home, db, port, workers)
    try:
        url = f"http://127.0.0.1:{port}"
        cookies, token = _login(url)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "X-CSRF-Token": token,
                   "Accept-Encoding": "gzip"}
        measures: list[int] = []
        verify = _verify_checkup(measures)
        common = dict(server=server, port=port, client=args.client, cookies=cookies, token=token, verify=verify)

        def get(kind: str, uscc: str, keep: bool = False) -> lean_http.Request:
            return lean_http.request(kind, "GET", f"/api/v1/enterprises/{uscc}/checkup", host="127.0.0.1",
                                     headers=headers, keep=keep)

        cold, _ = _pass("cold", [(get("cold", u),) for u in usccs], **common)
        warm_jobs = [(get("warm", usccs[i % len(usccs)]),) for i in range(args.requests)]
        _pass("warm-up", warm_jobs, **common)
        warm, _ = _pass("warm", warm_jobs, **common)
        edited = usccs[:args.edits]
        edit_jobs = []
        for i, u in enumerate(edited):
            body = json.dumps({"fact": "employees", "value": str(3 + 7 * i + workers)}).encode()
            patch = lean_http.request("edit", "PATCH", f"/api/v1/enterprises/{u}/facts", host="127.0.0.1",
                                      headers={**headers, "Content-Type": "application/json"}, body=body)
            edit_jobs.append((patch, get("re-check", u, keep=True)))
        edits, load = _pass("edit", edit_jobs, **common)
    finally:
        _stop(server)
        errors = [line for line in (home / f"server-{workers}.log").read_text().splitlines()
                  if "Traceback" in line or "ERROR" in line]
        if errors:
            print(f"server log ({workers} workers): {len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    stale = _stale_rechecks(db, edited, load)
    if stale:
        edits = [line.replace("| met |", "| missed |") for line in edits]
    return [*(f"| {workers} " + line for line in [*cold, *warm, *edits])], stale


def _stale_rechecks(db: Path, edited: list[str], load: lean_http.Load) -> int:
    """Re-check bodies that differ from a fresh engine run on the stored (edited) profile."""
    import datetime as dt

    from zhida.store import open_store
    from zhida.web import enterprise_data
    from zhida.matching.checkup import _compute

    store = open_store(f"sqlite:///{db}")
    try:
        stale = 0
        for (index, step), body in load.kept.items():
            fresh = _compute(enterprise_data.get(store, edited[index]), dt.date.fromisoformat(AS_OF))
            stale += body != fresh.report_bytes
        missing = len(edited) - len(load.kept)
        return stale + missing
    finally:
        store.close()


def main(argv: list[str]) -> str:
    args = _options(argv)
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="zhida-bench-http-") as tmp:
        if args.home:
            Path(args.home).mkdir(parents=True, exist_ok=True)
            tmp = args.home
        home = Path(tmp)
        subprocess.run([sys.executable, "-m", "benchmarks.http_checkup", "--prepare", tmp, str(args.enterprises)],
                       check=True, env={**os.environ, "ZHIDA_HOME": tmp})
        usccs = (home / "usccs.txt").read_text().split()
        rows, stale = [], 0
        for n in workers:
            lines, bad = _one_run(home, n, args, usccs)
            rows += lines
            stale += bad
    met = [f"{r.split('|')[2].strip()} ({r.split('|')[1].strip()} worker{'s' if r.split('|')[1].strip() != '1' else ''})"
           for r in rows if r.rstrip().endswith("| met |")]
    client = ("lean asyncio clients (benchmarks/lean_http.py, uvloop)" if args.client == "lean"
              else "httpx.AsyncClient clients")
    return "\n".join([
        f"{CLIENTS} concurrent keep-alive {client} on loopback, `Accept-Encoding: gzip`, against "
        f"`zhida serve --workers N --no-access-log` (uvicorn, httptools, uvloop); {len(usccs):,} synthetic "
        f"enterprises + seeds, as of {AS_OF}; target p95 ≤ {TARGET_P95_MS:.0f} ms, no errors. CPU per request "
        "is the server's processes and the client process, both on the same "
        f"{os.cpu_count()} cores.",
        "",
        "| workers | pass | requests | p50 ms | p95 ms | max ms | req/s | errors | CPU ms/req server / client "
        "| load avg | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Cold: the engine runs for each enterprise (one engine run at a time per process); a measure's explained "
        "result is worded once for enterprises alike in every fact that measure reads (matching/match.py; in this "
        "population ~3/4 of the results that are not 不适用). Warm: the memoized report's prepared bytes. "
        "Edit: PATCH a fact (the engine re-runs before the answer), then GET the checkup (re-check).",
        "",
        f"Re-checks after an edit compared byte for byte with a fresh engine run on the stored profile: "
        f"{'all identical' if not stale else f'{stale} stale or missing'}.",
        "",
        f"Target met by: {', '.join(met) if met else 'no pass'}.",
    ])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        print(main(sys.argv[1:]))
