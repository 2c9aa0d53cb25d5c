"""Near-misses with and without the plausibility rule (matching/plausibility.py), over a
synthetic population: how many 差一点 results an enterprise is shown, and what the rule costs.

    python -m benchmarks.run --only near_miss_plausibility [--nm-enterprises 200]

Each enterprise is matched twice (shared results forgotten before each pass): once as shipped,
once with every change counted as plausible (the behaviour before issue 11).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

NAME = "near_miss_plausibility"
AS_OF = date(2022, 12, 31)


def _pass(people, policies) -> tuple[list[int], float]:
    from zhida.matching.match import forget_results, match_enterprise

    forget_results(policies)
    shown, start = [], time.perf_counter()
    for facts in people:
        results = match_enterprise(facts, AS_OF, policies=policies)
        shown.append(sum(1 for r in results if r.status == "ineligible" and any(n.kind == "change" for n in r.near_miss)))
    return shown, time.perf_counter() - start


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nm-enterprises", type=int, default=200)
    args, _ = parser.parse_known_args(argv)
    from zhida.enterprises.generate import generate
    from zhida.matching import near_miss
    from zhida.matching.match import load_default_policies

    policies = load_default_policies()
    people = [{k: v for k, v in row.items() if v is not None and k in policies.catalogue.facts}
              for row in generate(args.nm_enterprises, 7, AS_OF).table.to_pylist()]
    _pass(people[:5], policies)  # warm-up: compiles the nodes
    after, with_rule = _pass(people, policies)
    kept = near_miss.plausible_change, near_miss.size_leap
    near_miss.plausible_change, near_miss.size_leap = (lambda *a, **k: True), (lambda *a: False)
    try:
        before, without_rule = _pass(people, policies)
    finally:
        near_miss.plausible_change, near_miss.size_leap = kept
    n = len(people)
    return (f"{n} synthetic enterprises (seed 7, as of {AS_OF}); 差一点 = 不符合 results with a proposed change.\n\n"
            "| | 差一点 per enterprise (mean) | median | max | time for all |\n|---|---|---|---|---|\n"
            f"| every change proposed (before) | {statistics.mean(before):.1f} | {statistics.median(before):.0f} | "
            f"{max(before)} | {without_rule:.1f} s |\n"
            f"| plausible changes only | {statistics.mean(after):.1f} | {statistics.median(after):.0f} | "
            f"{max(after)} | {with_rule:.1f} s |\n")


if __name__ == "__main__":
    import sys

    print(main(sys.argv[1:]))
