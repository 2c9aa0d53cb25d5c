"""One enterprise × every measure, with reasons and near-misses: latency per call (target p95 ≤ 20 ms).

    python benchmarks/match_one.py [--runs 200]

Policies are loaded once and kept out of the garbage collector's full collections (gc.freeze),
as in a long-running server (zhida.web.app); each run matches one of the example profiles in
docs/examples/profiles/ (cycled) on 2022-08-01 and builds the JSON report. Two figures:
- engine: the results shared between enterprises with the same facts are forgotten before every
  run, so each run does all the work a never-seen enterprise would;
- shared results: the examples cycled as they are (from the second cycle on, every result that
  is not 不适用 is reused: the cost of a checkup for an enterprise alike in every fact).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2022, 8, 1)


def measure(runs: int, shared: bool) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) per run, each sorted."""
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.matching.match import forget_results, load_default_policies, match_enterprise
    from zhida.matching.report import report_json

    policies = load_default_policies()
    profiles = [EnterpriseProfile.from_json(p.read_bytes())
                for p in sorted((ROOT / "docs/examples/profiles").glob("*.json"))]
    for p in profiles:  # warm-up: compiles each node once
        report_json(match_enterprise(p, AS_OF, policies=policies), AS_OF, policies)
    gc.collect()
    gc.freeze()
    wall, cpu = [], []
    for i in range(runs):
        if not shared:
            forget_results(policies)
        p = profiles[i % len(profiles)]
        start, start_cpu = time.perf_counter(), time.process_time()
        report_json(match_enterprise(p, AS_OF, policies=policies), AS_OF, policies)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    gc.unfreeze()
    return sorted(wall), sorted(cpu)


def p95(values: list[float]) -> float:
    return values[int(0.95 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.runs} runs on {platform.processor() or platform.machine()} (Python {platform.python_version()}), "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")
    for label, shared in (("engine", False), ("shared results", True)):
        wall, cpu = measure(args.runs, shared)
        print(f"{label}: wall median {statistics.median(wall):.1f} / p95 {p95(wall):.1f} / max {wall[-1]:.1f} ms; "
              f"CPU median {statistics.median(cpu):.1f} / p95 {p95(cpu):.1f} ms")
    print(f"yardstick (3M-iteration Python loop, CPU): {_yardstick():.0f} ms — compare machines/moments with it")


def _yardstick() -> float:
    start, total = time.process_time(), 0
    for i in range(3_000_000):
        total += i * i
    return (time.process_time() - start) * 1000


if __name__ == "__main__":
    main()
