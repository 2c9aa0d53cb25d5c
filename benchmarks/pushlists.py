"""Push lists (精准推送名单): `zhida pushlist latest` over a complete batch run of N enterprises.

    python -m benchmarks.run --only pushlists [--push-counts 20000,2000000] [--seed 1]
    python -m benchmarks.pushlists [same options]      (prints, does not write RESULTS.md)

Targets (issue 16): 20,000 enterprises ≤ 3 s; 2,000,000 ≤ 60 s with bounded memory. For each
count the population is generated once (cached as for benchmarks/batch.py), one batch run is made
without push lists (untimed), then the push lists are written in a fresh child process, which
reports its wall time, its CPU seconds (user + system, DuckDB's threads included) and its peak
RSS; the load average is read before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.batch import population, run_child

NAME = "pushlists"
AS_OF = "2022-12-31"
TARGETS = {20_000: 3.0, 2_000_000: 60.0}

CHILD = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
mode, runs, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "run":
    from zhida.batch.runner import run_batch
    o = run_batch(dt.date.fromisoformat(sys.argv[4]), runs, input_path=Path(sys.argv[5]), store_url=False,
                  pushlists=False)
    print(json.dumps({"key": o.run.key, "eligible": sum(t["eligible"] for t in o.run.manifest["totals"]["measures"])}))
    sys.exit(0)
from zhida.batch.pushlists import write_pushlists
from zhida.batch.runner import open_run
run = open_run("latest", runs)
wall, cpu = time.perf_counter(), time.process_time()
files = write_pushlists(run, out)
result = {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "files": len(files),
          "bytes": sum(f.stat().st_size for f in files),
          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
print(json.dumps(result))
"""


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def measure(count: int, seed: int) -> dict:
    facts, _ = population(count, seed)
    work = Path(tempfile.mkdtemp(prefix="zhida-bench-push-"))
    try:
        made = run_child(CHILD, "run", str(work / "runs"), str(work / "none"), AS_OF, str(facts))
        before = _load()
        result = run_child(CHILD, "write", str(work / "runs"), str(work / "lists"))
        result.update(count=count, eligible=made["eligible"], load=f"{before} → {_load()}")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="benchmarks.pushlists")
    parser.add_argument("--push-counts", default="20000,2000000")
    parser.add_argument("--seed", type=int, default=1)
    args, _ = parser.parse_known_args(argv)
    rows = []
    for count in (int(c) for c in args.push_counts.split(",")):
        r = measure(count, args.seed)
        target = TARGETS.get(count)
        verdict = "—" if target is None else ("met" if r["seconds"] <= target else
                                               f"missed by {r['seconds'] - target:.1f} s")
        rows.append(f"| {count:,} | {r['eligible']:,} | {r['files']} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.2f} | "
                    f"{r['cpu']:.2f} | {r['peak_rss_mb']:.0f} | {r['load']} | "
                    f"{'≤ %.0f s: ' % target + verdict if target else verdict} |")
    return "\n".join([
        "`write_pushlists(run, out)` (what `zhida pushlist latest` does) over a complete DuckDB batch run, in a "
        f"fresh process; {os.cpu_count()} CPUs shared with other jobs. CPU = user + system seconds of that "
        "process (DuckDB threads included).",
        "",
        "| enterprises | eligible pairs (rows) | XLSX files | MB | wall s | CPU s | peak RSS MB | load avg | target |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ])


if __name__ == "__main__":
    print(main(sys.argv[1:]))
