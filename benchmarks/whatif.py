"""What-if (模拟测算): one parameter of one measure, baseline against reform, over a population.

    python -m benchmarks.run --only whatif [--whatif-count 20000] [--whatif-big 2000000]
    python -m benchmarks.whatif [same options]      (prints, does not write RESULTS.md)

Targets (issue 16): ≤ 1 s on 20,000 enterprises, ≤ 10 s on 2,000,000. Measured, each in a fresh
process, with wall and CPU seconds (CPU: user + system of the process and its children, DuckDB's
threads included) and the load average:
- web, first: what the 模拟测算 page does on its first what-if in a server that has loaded its
  policies (zhida.web.simulation_ops): the store's enterprises as facts (zhida.batch.population)
  and the what-if (zhida.batch.whatif.run) — on a SQLite store of N generated enterprises;
- web, again: a second what-if (another value) in the same process;
- CLI: `zhida simulate --set …` as a user types it (a new process: Python, policies, the store;
  the facts exported by the web run above are kept in $ZHIDA_HOME/facts and reused);
- 2,000,000: zhida.batch.whatif.run over the generated population's facts Parquet (a store of
  2,000,000 profiles is not what a what-if reads: the batch run's facts are).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.batch import population, run_child

NAME = "whatif"
AS_OF = "2022-12-31"
MEASURE, PARAMETER, VALUES = "cy2022.sme-rd-reward", "amount.cap", ("500000", "800000")
SERVE_CHILD = r"""
import json, sys, time, datetime as dt
from pathlib import Path
mode, db = sys.argv[1], sys.argv[2]
as_of = dt.date.fromisoformat(sys.argv[3])
from zhida.matching.match import load_default_policies
from zhida.batch import population, whatif
from zhida.store import open_store
policies = load_default_policies()  # a server has these loaded before its first request
store = open_store(f"sqlite:///{db}")
m = policies.measure(sys.argv[4])
out = {}
for label, value in (("first", sys.argv[6]), ("again", sys.argv[7])):
    wall, cpu = time.perf_counter(), time.process_time()
    facts = population.facts_file(store, as_of)
    result = whatif.run(policies, m, facts, as_of, sys.argv[5], value)
    out[label] = {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "reform_count": result["totals"]["reform_count"], "enterprises": result["enterprises"]}
store.close()
print(json.dumps(out))
"""
BIG_CHILD = r"""
import json, sys, time, datetime as dt
from pathlib import Path
mode, facts = sys.argv[1], Path(sys.argv[2])
as_of = dt.date.fromisoformat(sys.argv[3])
from zhida.matching.match import load_default_policies
from zhida.batch import whatif
policies = load_default_policies()
m = policies.measure(sys.argv[4])
wall, cpu = time.perf_counter(), time.process_time()
result = whatif.run(policies, m, facts, as_of, sys.argv[5], sys.argv[6])
print(json.dumps({"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "enterprises": result["enterprises"], "reform_count": result["totals"]["reform_count"]}))
"""


def prepare_store(count: int, home: Path) -> Path:
    """A SQLite store holding ``count`` generated enterprises (bulk insert, untimed)."""
    import datetime as dt

    from zhida.enterprises.generate import generate, store_population
    from zhida.store import open_store

    db = home / "whatif.sqlite3"
    store = open_store(f"sqlite:///{db}")
    try:
        store_population(generate(count, 11, dt.date.fromisoformat(AS_OF)), store)
    finally:
        store.close()
    return db


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _cli(db: Path, home: Path) -> dict:
    env = {**os.environ, "ZHIDA_HOME": str(home), "ZHIDA_DATABASE_URL": f"sqlite:///{db}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()",
                    "simulate", "--as-of", AS_OF, "--set", f"{MEASURE}.{PARAMETER}={VALUES[0]}"],
                   env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": time.perf_counter() - wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="benchmarks.whatif")
    parser.add_argument("--whatif-count", type=int, default=20_000)
    parser.add_argument("--whatif-big", type=int, default=2_000_000, help="0: skip")
    args, _ = parser.parse_known_args(argv)
    home = Path(tempfile.mkdtemp(prefix="zhida-bench-whatif-"))
    os.environ["ZHIDA_HOME"] = str(home)  # the children share it: the CLI finds the facts the web kept
    rows = []

    def row(label: str, n: int, r: dict, target: float, load: str) -> None:
        verdict = "met" if r["seconds"] <= target else f"missed by {r['seconds'] - target:.2f} s"
        rows.append(f"| {label} | {n:,} | {r['seconds']:.2f} | {r['cpu']:.2f} | {load} | ≤ {target:g} s: {verdict} |")

    try:
        db = prepare_store(args.whatif_count, home)
        before = _load()
        served = run_child(SERVE_CHILD, "serve", str(db), AS_OF, MEASURE, PARAMETER, *VALUES)
        load = f"{before} → {_load()}"
        row("web, first what-if (store → facts, then the what-if)", args.whatif_count, served["first"], 1.0, load)
        row("web, another value (facts kept)", args.whatif_count, served["again"], 1.0, "〃")
        before = _load()
        cli = _cli(db, home)
        row(f"`zhida simulate --set {MEASURE}.{PARAMETER}={VALUES[0]}` (new process, facts kept by the web)",
            args.whatif_count, cli, 1.0,
            f"{before} → {_load()}")
        if args.whatif_big:
            facts, _ = population(args.whatif_big, 1)
            before = _load()
            big = run_child(BIG_CHILD, "big", str(facts), AS_OF, MEASURE, PARAMETER, VALUES[0])
            row("what-if over the facts Parquet", args.whatif_big, big, 10.0, f"{before} → {_load()}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return "\n".join([
        f"`{MEASURE}` {PARAMETER} → {VALUES[0]} (and {VALUES[1]}), as of {AS_OF}; {os.cpu_count()} CPUs shared "
        "with other jobs. CPU = user + system seconds (all threads, and children for the CLI).",
        "",
        "| what | enterprises | wall s | CPU s | load avg | target |",
        "|---|---|---|---|---|---|",
        *rows,
    ])


if __name__ == "__main__":
    print(main(sys.argv[1:]))
