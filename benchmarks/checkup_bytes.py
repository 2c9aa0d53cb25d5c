"""Byte-level comparison of the checkup JSON for a fixed population, before and after a change.

    python benchmarks/checkup_bytes.py --write /tmp/before.json [--count 300]
    python benchmarks/checkup_bytes.py --compare /tmp/before.json [--count 300]

The population: the example profiles (docs/examples/profiles, as of 2022-08-01 and 2022-12-31)
and ``--count`` generated enterprises (seed 11, as of 2022-12-31), each checked as the web does
(zhida.matching.checkup: match with reasons and near-misses, report bytes). Each report is
computed twice in one process — with the results shared by alike enterprises forgotten, and
again with them kept — so both the engine and its memo are compared. Written: one SHA-256 per
(enterprise, date, pass); compared: the differing ones are listed, exit 1 if any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def digests(count: int) -> dict[str, str]:
    from zhida.enterprises.generate import generate, row_to_profile
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.matching.checkup import Unstored, _compute
    from zhida.matching.match import forget_results, load_default_policies

    policies = load_default_policies()
    cases = []
    for path in sorted((ROOT / "docs/examples/profiles").glob("*.json")):
        profile = EnterpriseProfile.from_json(path.read_bytes())
        cases += [(path.stem, profile, dt.date(2022, 8, 1)), (path.stem, profile, dt.date(2022, 12, 31))]
    as_of = dt.date(2022, 12, 31)
    if count:
        for row in generate(count, 11, as_of).table.to_pylist():
            cases.append((row["uscc"], row_to_profile(row, as_of), as_of))
    out = {}
    for label, shared in (("engine", False), ("shared", True)):
        forget_results(policies)
        for name, profile, day in cases:
            if not shared:
                forget_results(policies)
            report = _compute(Unstored(profile), day).report_bytes
            out[f"{name}@{day}:{label}"] = hashlib.sha256(report).hexdigest()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    found = digests(args.count)
    if args.write:
        args.write.write_text(json.dumps(found, indent=0, sort_keys=True))
        print(f"{len(found)} checkup reports hashed → {args.write}")
        return 0
    before = json.loads(args.compare.read_text())
    differing = sorted(k for k in before.keys() | found.keys() if before.get(k) != found.get(k))
    print(f"{len(found)} checkup reports compared byte for byte with {args.compare}: "
          f"{'all identical' if not differing else f'{len(differing)} differ, e.g. {differing[:5]}'}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
