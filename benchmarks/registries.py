"""Registries at scale (issue 14): the candidate list of one registry over 2,000,000 enterprises
(target ≤ 10 s) and the registry pages with 50,000 members (target p95 ≤ 300 ms).

    python -m benchmarks.run --only registries [--registries-population PATH] [--registries-requests 30]

Candidates: the 优质中小企业梯度培育 ladder (three tiers, 2022 criteria) on DuckDB over the cached
2M facts Parquet of ``benchmarks/run.py`` (``$ZHIDA_HOME/bench/enterprises_2000000_1.parquet``,
read only) with the ladder's indicator facts added once (a copy under this benchmark's own
directory) and 50,000 members to leave out; timed: the candidate list in one DuckDB pass over the
facts (registries.scan: the criteria compiled and the candidate test in one query, an Arrow table),
then the members' verdicts (动态管理), and once the general path (engine run → packed results →
candidate query) for comparison under the same load. Wall and CPU seconds, load average.
Pages: a SQLite store with 50,000 memberships over three years and 2,000 open proposals, served by
`zhida serve` (one worker); a keeping unit's staff member asks each page sequentially.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

NAME = "registries"
AS_OF = dt.date(2022, 12, 31)
PASSWORD = "bench-password-1"
TIERS = ("innovative_sme", "srdi_sme", "little_giant")
REGIONS = ("110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113")


def _with_indicators(src: Path, out: Path) -> Path:
    """A copy of ``src`` with the ladder's indicator facts (10% unknown each), made once by DuckDB."""
    import duckdb
    import pyarrow.parquet as pq

    if out.is_file():
        return out
    names = {"niche_market_years": "CAST(floor(random() * 8) AS BIGINT)",
             "main_business_revenue_share": "CAST(floor(40 + random() * 60) / 100 AS DECIMAL(24,6))",
             "main_business_growth_2y": "CAST(floor(-10 + random() * 40) / 100 AS DECIMAL(24,6))",
             "equity_financing_2y": "CAST(floor(random() * 90) * 1000000 AS DECIMAL(18,2))"}
    present = set(pq.read_schema(src).names)
    drop = [n for n in names if n in present]
    star = f"* EXCLUDE ({', '.join(drop)})" if drop else "*"
    extra = ", ".join(f"CASE WHEN random() < 0.1 THEN NULL ELSE {e} END AS {n}" for n, e in names.items())
    con = duckdb.connect()
    try:
        con.execute("SELECT setseed(0.5)")
        con.execute(f"COPY (SELECT {star}, {extra} FROM read_parquet('{src}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
    return out


def _cpu_seconds(pids: list[int] | None = None) -> float:
    """CPU seconds (user + system) of this process (all threads), or of the processes ``pids``."""
    if pids is None:
        t = os.times()
        return t.user + t.system
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def candidates_bench(population: Path, work: Path, before: bool = True) -> str:
    import pyarrow.parquet as pq

    from zhida.batch.engines import DuckDBEngine
    from zhida.matching.match import load_default_policies
    from zhida.registries import candidates, criteria
    from zhida.registries.definition import registries
    from zhida.registries.scan import Scan

    policies = load_default_policies()
    reg = registries()["srdi-ladder"]
    started = time.perf_counter()
    facts = _with_indicators(population, work / "enterprises_2000000_ladder.parquet")
    prepared = time.perf_counter() - started
    usccs = pq.read_table(facts, columns=["uscc"]).column("uscc").to_pylist()
    members = {u: TIERS[i % 3] for i, u in enumerate(random.Random(3).sample(usccs, 50_000))}
    del usccs
    lines = ["| path | run | candidate list (s) | CPU (s) | 动态管理: members' verdicts (s) | candidates | load (1 min) | target |",
             "|---|---|---|---|---|---|---|---|"]
    for attempt in (1, 2, 3):
        w0, c0 = time.perf_counter(), _cpu_seconds()
        with Scan(reg, AS_OF, facts, policies, members) as scan:
            found = candidates.CandidateList(scan.candidates(), scan.tiers)
            w1, c1 = time.perf_counter(), _cpu_seconds()
            verdicts = scan.member_verdicts()
            w2 = time.perf_counter()
        counts = found.counts()
        lines.append(f"| one DuckDB pass (scan.py) | {attempt} | **{w1 - w0:.2f}** | {c1 - c0:.1f} | {w2 - w1:.2f} "
                     f"({len(verdicts):,} verdicts) | {len(found):,} "
                     f"({', '.join(f'{reg.tier_label(k)} {counts.get(k, 0):,}' for k in TIERS)}) | {_load()} | "
                     f"≤ 10 s {'✅' if w1 - w0 <= 10 else '❌'} |")
    if before:  # the general path (any engine: results written, then joined), for comparison under the same load
        w0, c0 = time.perf_counter(), _cpu_seconds()
        run = criteria.execute(reg, AS_OF, facts, policies, DuckDBEngine(), work / "run-long")
        table = candidates.table(reg, run, members)
        w1, c1 = time.perf_counter(), _cpu_seconds()
        lines.append(f"| engine run + packed results (criteria.execute + candidates.table; PostgreSQL/Spark path) | 1 | "
                     f"{w1 - w0:.2f} | {c1 - c0:.1f} | — | {table.num_rows:,} | {_load()} | — |")
    return (f"Population: 2,000,000 enterprises ({facts.name}; indicators added once in {prepared:.1f} s), "
            f"50,000 of them members (a third per tier). DuckDB, default threads (2 cores). CPU = user + system "
            f"seconds of the benchmark process, all threads.\n\n" + "\n".join(lines))


def _prepare_store(db: Path, members: int, proposals: int) -> None:
    from sqlalchemy import insert

    from zhida.registries.tables import Membership, Proposal
    from zhida.store import open_store
    from zhida.web.auth import Actor, create_user
    from zhida.workflow.tables import WorkflowCase

    store = open_store(f"sqlite:///{db}")
    create_user(store, Actor("cli:bench"), username="keeper", password=PASSWORD, role="staff",
                units=["市经济和信息化局"], region="朝阳区")
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(members):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 3 * 365))
        ended = rng.random() < 0.2
        rows.append({"registry_name": "srdi-ladder", "uscc": f"9111{i:014d}", "name": f"基准测试企业{i}",
                     "region_code": rng.choice(REGIONS), "industry_code": f"C{rng.randrange(13, 43):02d}11",
                     "tier": rng.choice(TIERS), "valid_from": start,
                     "valid_to": start + dt.timedelta(days=rng.randrange(90, 900)) if ended else None,
                     "way": "import", "proposal_id": None, "ended_reason": "到期" if ended else None, "created_at": now})
    cases = [{"workflow": "registry_review", "subject_type": "registry_proposal", "subject_id": str(i + 1),
              "state": "proposed", "version": 1, "unit": "市经济和信息化局", "entered_at": now, "due_at": None,
              "due_estimated": False, "escalated_at": None, "closed": False, "created_at": now} for i in range(proposals)]
    with store.transaction() as s:
        s.execute(insert(Membership), rows)
        s.execute(insert(WorkflowCase), cases)
        first = s.query(WorkflowCase.id).order_by(WorkflowCase.id).first()[0]
        s.execute(insert(Proposal), [{"registry_name": "srdi-ladder", "tier": "srdi_sme", "uscc": f"9112{i:014d}",
                                      "name": f"候选企业{i}", "region_code": rng.choice(REGIONS), "industry_code": "C3511",
                                      "way": "candidate", "proposed_by": "批量筛选", "note": None,
                                      "criteria_version": "2022", "pending": ["评价得分达到60分以上"],
                                      "evaluated_on": AS_OF, "case_id": first + i, "open": True, "created_at": now}
                                     for i in range(proposals)])
    store.close()


def pages_bench(work: Path, requests: int) -> str:
    import httpx

    from benchmarks.http_checkup import _free_port, _start, _stop, _tree

    db = work / "registries.sqlite3"
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    _prepare_store(db, 50_000, 2_000)
    prepared = time.perf_counter() - t0
    port = _free_port()
    child = _start(work, db, port, 1)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=120) as client:
            token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
            client.post("/api/v1/auth/login", json={"username": "keeper", "password": PASSWORD},
                        headers={"X-CSRF-Token": token}).raise_for_status()
            cold = time.perf_counter()
            assert client.get("/registries/srdi-ladder?tab=figures&on=2022-12-31").status_code == 200
            cold = (time.perf_counter() - cold) * 1000
            cursor = _cursor(db, 299 * 50)
            pages = [("在库企业（第1页）", "/registries/srdi-ladder?tab=members&on=2022-12-31"),
                     ("在库企业（第300页，下一页链接：键集）", f"/registries/srdi-ladder?tab=members&on=2022-12-31&page=300&after={cursor}"),
                     ("在库企业（第300页，按页码：OFFSET）", "/registries/srdi-ladder?tab=members&on=2022-12-31&page=300"),
                     ("在库企业（按层级）", "/registries/srdi-ladder?tab=members&on=2022-12-31&tier=little_giant"),
                     ("候选与申请审核", "/registries/srdi-ladder?tab=review"),
                     ("梯度培育统计", "/registries/srdi-ladder?tab=figures&on=2022-12-31"),
                     ("企业库列表", "/registries"),
                     ("成员接口", "/api/v1/registries/srdi-ladder/members?on=2022-12-31&per_page=100"),
                     ("统计接口", "/api/v1/registries/srdi-ladder/figures?on=2022-12-31")]
            lines = ["| page | p50 (ms) | p95 (ms) | max (ms) | server CPU per request (ms) | load (1 min) | target |",
                     "|---|---|---|---|---|---|---|"]
            for label, path in pages:
                assert client.get(path).status_code == 200, path  # warm
                samples = []
                cpu0 = _cpu_seconds(_tree(child.pid))
                for _ in range(requests):
                    s = time.perf_counter()
                    r = client.get(path)
                    samples.append((time.perf_counter() - s) * 1000)
                    assert r.status_code == 200, (path, r.status_code)
                cpu = (_cpu_seconds(_tree(child.pid)) - cpu0) * 1000 / requests
                samples.sort()
                p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
                lines.append(f"| {label} | {statistics.median(samples):.0f} | {p95:.0f} | {samples[-1]:.0f} | {cpu:.0f} | "
                             f"{_load()} | ≤ 300 {'✅' if p95 <= 300 else '❌'} |")
    finally:
        _stop(child)
    return (f"SQLite store: 50,000 memberships (three tiers, ten districts, 20% ended, 2020–2022), 2,000 open "
            f"proposals (prepared in {prepared:.1f} s); `zhida serve` one worker, one client, {requests} "
            "requests a page after one warm-up. 梯度培育统计 is kept once computed (registries.figures_cache; "
            f"the page shows 统计时间): its first request, computing and saving them, took {cold:.0f} ms.\n\n"
            + "\n".join(lines))


def _cursor(db: Path, index: int) -> str:
    """The USCC the members list's 下一页 links carry to reach the member at ``index`` (USCC order)."""
    import sqlite3

    with sqlite3.connect(db) as con:
        return con.execute("SELECT uscc FROM registry_memberships WHERE registry = 'srdi-ladder' AND valid_from <= "
                           "'2022-12-31' AND (valid_to IS NULL OR valid_to >= '2022-12-31') ORDER BY uscc "
                           "LIMIT 1 OFFSET ?", (index - 1,)).fetchone()[0]


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    home = Path(os.environ.get("ZHIDA_HOME", Path.home() / ".zhida"))
    parser.add_argument("--registries-population", type=Path, default=home / "bench" / "enterprises_2000000_1.parquet")
    parser.add_argument("--registries-work", type=Path, default=Path(tempfile.gettempdir()) / "zhida-registries-bench")
    parser.add_argument("--registries-requests", type=int, default=30)
    parser.add_argument("--registries-only", choices=("candidates", "pages"), default=None)
    args, _ = parser.parse_known_args(argv)
    args.registries_work.mkdir(parents=True, exist_ok=True)
    if args.registries_only == "pages":
        return "### Registry pages with 50,000 members\n\n" + pages_bench(args.registries_work, args.registries_requests)
    if args.registries_only == "candidates":
        return "### Candidate list over 2,000,000 enterprises\n\n" + candidates_bench(args.registries_population, args.registries_work)
    parts = ["### Candidate list over 2,000,000 enterprises\n", candidates_bench(args.registries_population, args.registries_work),
             "\n### Registry pages with 50,000 members\n", pages_bench(args.registries_work, args.registries_requests)]
    return "\n".join(parts)
