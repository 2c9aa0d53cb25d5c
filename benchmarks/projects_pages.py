"""The project library with 100,000 projects (and 2,000 parcels, 5,000 financing needs) on
PostgreSQL: the list, filter, detail, map and financing pages as the city and as a district
(target: p95 ≤ 300 ms).

    PYTHONPATH=src python -m benchmarks.projects_pages [--projects 100000] [--database-url URL] [--keep]

The store is made from scratch in a fresh schema ``projects_bench`` of the given database
(default postgresql://postgres@127.0.0.1:5432/zt_projects; dropped afterwards unless --keep):
migrations, then rows inserted in bulk — projects over the 16 districts, every stage, 8% of them
首谈 projects (a fifth of those flagged), parcels with admission standards, needs shared with
lenders — plus 200 projects made through ``zhida.projects`` (their stage and 首谈 cases and
history are real). Then over HTTP against the app served by uvicorn in this process (loopback,
one client, sequential, 30 requests per page after 3 warm-ups). Prints a Markdown table for
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/zt_projects"
SCHEMA = "projects_bench"
PASSWORD = "correct-horse-9"
DISTRICTS = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113",
             "110114", "110115", "110116", "110117", "110118", "110119"]
STAGES = [("planning", 0.25), ("reserve", 0.25), ("negotiating", 0.2), ("signed", 0.12), ("started", 0.1),
          ("producing", 0.06), ("dropped", 0.02)]


def _pick(rnd, weighted):
    r, total = rnd.random(), 0.0
    for item, weight in weighted:
        total += weight
        if r <= total:
            return item
    return weighted[-1][0]


def _url(base: str) -> str:
    return str(make_url(base).set(query={"options": f"-csearch_path={SCHEMA}"}))


def build(url: str, projects: int) -> None:
    from zhida.finance.tables import FinanceNeed, FinanceProduct
    from zhida.projects.tables import Parcel, Project
    from zhida.store import open_store
    from zhida.web.auth import Actor, create_user

    store = open_store(url)
    rnd = random.Random(14)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    for i in range(projects):
        region = rnd.choice(DISTRICTS)
        stage = _pick(rnd, STAGES)
        shoutan = rnd.random() < 0.08
        rows.append({"code": f"B{i:07d}", "name": f"基准项目{i}", "owner_uscc": None, "investor": f"投资方{i % 5000}",
                     "industry_code": rnd.choice(["C3911", "C3421", "C2710", "I6510", "C3974"]), "region_code": region,
                     "total_investment": Decimal(rnd.randrange(10_000_000, 5_000_000_000)),
                     "annual_output": Decimal(rnd.randrange(10_000_000, 3_000_000_000)),
                     "land_mu": Decimal(rnd.randrange(5, 300)), "stage": stage, "stage_dates": {stage: "2026-06-01"},
                     "documents": [], "shoutan_state": "negotiating" if shoutan else None,
                     "found_by": region if shoutan else None, "shoutan_region": region if shoutan else None,
                     "shoutan_flagged_at": now if shoutan and rnd.random() < 0.2 else None,
                     "created_at": now, "updated_at": now})
    with store.transaction() as session:
        for start in range(0, len(rows), 10_000):
            session.execute(insert(Project), rows[start:start + 10_000])
        session.execute(insert(Parcel), [{
            "code": f"PB{i:05d}", "name": f"基准地块{i}", "kind": "land", "region_code": DISTRICTS[i % 16],
            "lon": Decimal("116.3") + Decimal(rnd.randrange(0, 400)) / 1000, "lat": Decimal("39.8") + Decimal(rnd.randrange(0, 300)) / 1000,
            "area_mu": Decimal(rnd.randrange(10, 300)), "status": "available", "industries": ["C39"],
            "standards": [{"id": "intensity", "label": "投资强度不低于800万元/亩", "expr": "project_investment_intensity >= 800"}],
            "updated_at": now} for i in range(2000)])
        session.execute(insert(FinanceProduct), [{"code": "BP1", "name": "基准信用贷", "lender": "北京银行", "kind": "credit",
                                                  "conditions": [], "active": True, "updated_at": now}])
        session.execute(insert(FinanceNeed), [{"uscc": "91110105MA01ABCD0" + "0", "enterprise_name": f"企业{i}",
                                               "region_code": DISTRICTS[i % 16], "amount": Decimal(1_000_000),
                                               "term_months": 12, "purpose": "流动资金", "share_lenders": ["北京银行"],
                                               "share_profile": False, "status": "open", "created_at": now}
                                              for i in range(5000)])
    for username, scope in (("bench_city", {"role": "staff", "units": ["市经济和信息化局"]}),
                            ("bench_cy", {"role": "staff", "units": ["朝阳区投资促进局"], "region": "朝阳区"}),
                            ("bench_bank", {"role": "staff", "units": ["北京银行"]})):
        create_user(store, Actor("bench"), username=username, password=PASSWORD, display_name=username, **scope)
    # 200 projects through the domain: real stage and 首谈 cases with history
    from dataclasses import dataclass

    from zhida.projects import library, shoutan

    @dataclass(frozen=True)
    class P:
        user_id: int = 0
        username: str = "bench"
        role: str = "admin"
        units: tuple = ()
        uscc: str | None = None
        region: str | None = None

    with store.transaction() as session:
        for i in range(200):
            project = library.create(session, P(), {"name": f"真实流程项目{i}", "investor": "某投资方", "region_code": "110105",
                                                    "total_investment": "300000000"}, now=now)
            shoutan.register(session, P(), project.id, now=now, found_by="110105")
            shoutan.recognise(session, P(), project.id, now=now)
            library.advance(session, P(), project.id, "negotiate", now=now)
    store.close()


def _keyset_path(client, page: int, per_page: int = 20) -> str:
    """The list page ``page`` as its 下一页 link reaches it: after the previous page's last project."""
    after = None
    for _ in range(page - 1):
        got = client.get("/api/v1/projects", params={"per_page": per_page, **({"after": after} if after else {})})
        after = got.json()["next_after"]
    return f"/projects?page={page}&after={after}"


def measure(url: str) -> list[tuple[str, str, float, float, float, float]]:
    import httpx
    import uvicorn

    from zhida.web.app import create_app

    app = create_app(url, secret=b"bench-secret-" * 4)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    engine = create_engine(url)
    with engine.connect() as c:
        real = c.execute(text("SELECT id FROM projects WHERE name = '真实流程项目7'")).scalar()
        need = c.execute(text("SELECT max(id) FROM finance_needs")).scalar()
        parcel = c.execute(text("SELECT min(id) FROM map_parcels WHERE region_code = '110105'")).scalar()
    engine.dispose()
    pages = {
        "bench_city": ["/projects", "/projects?stage=negotiating", "/projects?shoutan_state=negotiating&flagged=true",
                       "/projects?q=%E5%9F%BA%E5%87%86%E9%A1%B9%E7%9B%AE9999", f"/projects/{real}",
                       "/api/v1/projects?per_page=100", "/projects/map/110105", f"/projects/parcels/{parcel}",
                       "/api/v1/projects/shoutan/figures"],
        # the 50th page as numbered (OFFSET) and as the pager links it (keyset: after the 49th page's last id)
        "bench_cy": ["/projects", "/projects?page=50", "keyset:50", f"/projects/{real}"],
        "bench_bank": ["/finance", f"/finance/needs/{need}"],
    }
    out = []
    for user, paths in pages.items():
        with httpx.Client(base_url=base, timeout=60) as client:
            token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
            client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD},
                        headers={"X-CSRF-Token": token}).raise_for_status()
            for path in paths:
                if path.startswith("keyset:"):
                    path = _keyset_path(client, int(path.split(":")[1]))
                for _ in range(3):
                    client.get(path).raise_for_status()
                times = []
                cpu = os.times()
                for _ in range(30):
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append((time.perf_counter() - started) * 1000)
                cpu_ms = ((lambda t: t.user + t.system)(os.times()) - cpu.user - cpu.system) * 1000 / 30
                times.sort()
                out.append((user, path, statistics.median(times), times[int(len(times) * 0.95) - 1], cpu_ms,
                            os.getloadavg()[0]))
    server.should_exit = True
    thread.join(timeout=10)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--database-url", default=BASE)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = _url(args.database_url)
    try:
        started = time.perf_counter()
        build(url, args.projects)
        print(f"built {args.projects} projects in {time.perf_counter() - started:.0f} s")
        rows = measure(url)
        print("| account | page | p50 ms | p95 ms | CPU ms per request (server + client, one process) | load (1 min) |\n"
              "| --- | --- | ---: | ---: | ---: | ---: |")
        for user, path, p50, p95, cpu, load in rows:
            print(f"| {user} | `{path}` | {p50:.0f} | {p95:.0f} | {cpu:.0f} | {load:.1f} |")
    finally:
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
