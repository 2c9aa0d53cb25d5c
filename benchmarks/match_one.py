"""One enterprise × every measure, with reasons and near-misses: latency per call (target p95 ≤ 20 ms).

    python benchmarks/match_one.py [--runs 200]

Policies are loaded once (as in a long-running process); each run matches one of the example
profiles in docs/examples/profiles/ (cycled) on 2022-08-01 and builds the JSON report.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import load_default_policies, match_enterprise
from zhida.matching.report import report_json

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    policies = load_default_policies()
    profiles = [EnterpriseProfile.from_json(p.read_bytes())
                for p in sorted((ROOT / "docs/examples/profiles").glob("*.json"))]
    as_of = date(2022, 8, 1)
    for p in profiles:  # warm-up: compiles each node once
        report_json(match_enterprise(p, as_of, policies=policies), as_of, policies)
    times, cpu = [], []
    for i in range(args.runs):
        p = profiles[i % len(profiles)]
        start, start_cpu = time.perf_counter(), time.process_time()
        report_json(match_enterprise(p, as_of, policies=policies), as_of, policies)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    cpu.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(policies.measures)} measures, {len(profiles)} profiles, {args.runs} runs on "
          f"{platform.processor() or platform.machine()} (Python {platform.python_version()})")
    print(f"wall: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"cpu:  median {statistics.median(cpu):.1f} ms, p95 {cpu[int(0.95 * (len(cpu) - 1))]:.1f} ms")
    print(f"yardstick (3M-iteration Python loop, CPU): {_yardstick():.0f} ms — compare machines/moments with it")


def _yardstick() -> float:
    start, total = time.process_time(), 0
    for i in range(3_000_000):
        total += i * i
    return (time.process_time() - start) * 1000


if __name__ == "__main__":
    main()
