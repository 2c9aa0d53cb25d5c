"""The batch on every engine, side by side: DuckDB, PostgreSQL, Spark local[2], Spark standalone.

    python -m benchmarks.run --only batch_engines [--engines-count 200000] [--seed 1] [--pg-url URL]

Same population (``zhida generate``, cached under $ZHIDA_HOME/bench), all measures, the engine's
``run`` (Parquet in → packed results + identity file out), each in a fresh child process. The
standalone cluster (zhida.batch.spark_cluster: a master and two workers, 1 core and 1 GB each,
on this machine) is started before its run and not timed. CPU: the Python process and what it
waited for cannot see the JVMs' (Spark's executors, PostgreSQL's backend), so the CPU column is
the machine's busy CPU seconds over the run (/proc/stat) — everything running then, other
people's jobs included; the load average beside it says how much of that is ours.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

NAME = "batch_engines"
AS_OF = "2022-12-31"

CHILD = r"""
import json, sys, time, datetime as dt
from pathlib import Path
engine_name, facts, out, extra = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4])
from zhida.rules import load_policies
from zhida.batch.engines import DuckDBEngine, PostgresEngine, SparkEngine
policies = load_policies()
measures = list(policies.measures.values())
if engine_name == "duckdb":
    engine = DuckDBEngine(threads=2)
elif engine_name == "postgres":
    engine = PostgresEngine(extra["url"])
else:
    engine = SparkEngine(extra.get("master"), extra.get("conf"))
t = time.perf_counter()
r = engine.run(policies, measures, dt.date.fromisoformat(sys.argv[5]), facts, out)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": r.rows, "measures": len(measures)}))
"""


def busy_cpu_seconds() -> float:
    """Machine-wide busy CPU time (all cores, all processes) from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> str:
    import json
    import shutil
    import tempfile

    from benchmarks.batch import population, run_child
    from zhida.batch import spark_cluster

    parser = argparse.ArgumentParser(prog="benchmarks.batch_engines")
    parser.add_argument("--engines-count", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="duckdb,postgres,spark-local,spark-standalone")
    parser.add_argument("--pg-url", default=os.environ.get("ZHIDA_TEST_DATABASE_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/zhida_test")
    args, _ = parser.parse_known_args(argv)
    facts, _ = population(args.engines_count, args.seed)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="zhida-bench-engines-"))
    try:
        for name in args.engines.split(","):
            cluster = None
            extra: dict = {}
            if name == "postgres":
                extra = {"url": args.pg_url}
            elif name == "spark-standalone":
                cluster = spark_cluster.start(workers=2, cores=1, memory="1g")
                extra = {"master": cluster.master_url, "conf": cluster.conf(executor_memory="768m")}
            (work / name).mkdir()
            try:
                load = os.getloadavg()[0]
                cpu = busy_cpu_seconds()
                result = run_child(CHILD, name.split("-")[0] if name != "spark-standalone" else "spark",
                                   str(facts), str(work / name / "results.parquet"), json.dumps(extra), AS_OF)
                result["busy_cpu"] = busy_cpu_seconds() - cpu
                result["load"] = (load, os.getloadavg()[0])
            finally:
                if cluster is not None:
                    cluster.stop()
            rows.append((name, result))
            print(name, json.dumps(result), file=sys.stderr, flush=True)  # a long run's progress
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = rows[0][1]["rows"]
    lines = [f"{n:,} enterprises × {rows[0][1]['measures']} measures, all engines on the same generated population "
             f"({facts.name}), engine `run` only (Parquet in → packed results + identity file).", "",
             "| engine | wall (s) | busy CPU, whole machine (s) | load (1 min, before → after) | pairs/s |",
             "|---|---|---|---|---|"]
    labels = {"duckdb": "DuckDB (threads 2)", "postgres": "PostgreSQL (local server, COPY in, cursor out)",
              "spark-local": "Spark local[2]", "spark-standalone": "Spark standalone: master + 2 workers × 1 core, 1 GB"}
    for name, r in rows:
        lines.append(f"| {labels[name]} | {r['seconds']:.1f} | {r['busy_cpu']:.0f} | {r['load'][0]:.1f} → "
                     f"{r['load'][1]:.1f} | {n * r['measures'] / r['seconds'] / 1e6:.2f} M |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
