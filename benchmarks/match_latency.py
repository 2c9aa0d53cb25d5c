"""One enterprise × every measure with reasons and near-misses, in-process (target p95 ≤ 20 ms).

    python -m benchmarks.run --only match_latency [--runs 200]

The benchmarks.run wrapper around benchmarks/match_one.py's measurement (see there: policies
loaded once and frozen out of the garbage collector as in the server; example profiles cycled on
2022-08-01; the JSON report built; "engine" forgets the results shared between alike enterprises
before every run).
"""

from __future__ import annotations

import argparse
import statistics
import sys

from benchmarks.match_one import measure, p95

NAME = "match_one"


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="benchmarks.match_latency")
    parser.add_argument("--runs", type=int, default=200)
    args, _ = parser.parse_known_args(argv)
    from zhida.matching.match import load_default_policies

    rows, verdict = [], ""
    for label, shared in (("engine (nothing shared: a never-seen enterprise)", False),
                          ("shared results (an enterprise alike in every fact)", True)):
        wall, cpu = measure(args.runs, shared)
        rows.append(f"| {label} | {statistics.median(wall):.1f} | {p95(wall):.1f} | {wall[-1]:.1f} | "
                    f"{statistics.median(cpu):.1f} | {p95(cpu):.1f} |")
        if not shared:
            verdict = "met" if p95(wall) <= 20 else f"MISSED by {p95(wall) - 20:.1f} ms"
    return "\n".join([
        f"{len(load_default_policies().measures)} measures × 5 example profiles, {args.runs} runs, in-process (match with reasons, near-misses "
        "and sources, JSON report built).",
        "",
        "| | wall median (ms) | wall p95 | wall max | CPU median | CPU p95 |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Target p95 ≤ 20 ms (wall, engine): {verdict}. CPU time shows the cost without the other jobs' contention.",
    ])


if __name__ == "__main__":
    print(main(sys.argv[1:]))
