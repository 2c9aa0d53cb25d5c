"""Routing suggestion accuracy on the labelled requests (tests/desk/requests_labelled.yaml).

    python -m benchmarks.run --only routing_accuracy

A fresh SQLite store with the five seed documents; every labelled request routed through
``zhida.desk.routing.suggest``; top-1 and top-3 unit accuracy on the whole set, the dev part and
the hold-out part (fixed by the text's hash). Lists the dev part's misses (top-3) only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from zhida import config
from zhida.desk.measure import evaluate, load
from zhida.store import ingest_paths, open_store

NAME = "routing_accuracy"
LABELLED = Path(__file__).resolve().parent.parent / "tests" / "desk" / "requests_labelled.yaml"


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labelled", default=str(LABELLED))
    args, _ = parser.parse_known_args(argv)
    items = load(Path(args.labelled))
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/routing.sqlite3")
        try:
            ingest_paths(store, [config.sources_dir()])
            started = time.perf_counter()
            accuracy = evaluate(store, items)
            elapsed = time.perf_counter() - started
            ablations = {name: evaluate(store, items, **{name: True}) for name in ("clauses_only", "catalogue_only")}
        finally:
            store.close()
    rows = ["| part | requests | top-1 | top-3 |", "|---|---|---|---|"]
    for label, split in (("all", None), ("dev", "dev"), ("hold-out", "holdout")):
        n = len(accuracy.of(split))
        rows.append(f"| {label} | {n} | {accuracy.top(1, split):.1%} | {accuracy.top(3, split):.1%} |")
    rows += ["", "Ablations (same set; what each source of evidence achieves alone):", "",
             "| method | top-1 (all / dev / hold-out) | top-3 (all / dev / hold-out) |", "|---|---|---|"]
    described = {"clauses_only": "clause search alone (bigram BM25, no synonyms, no 派单目录)",
                 "catalogue_only": "派单目录 keywords alone (no clause search)"}
    for name, result in ablations.items():
        parts = [" / ".join(f"{result.top(k, s):.1%}" for s in (None, "dev", "holdout")) for k in (1, 3)]
        rows.append(f"| {described[name]} | {parts[0]} | {parts[1]} |")
    misses = [o for o in accuracy.of("dev") if not o.hit(3)]
    lines = [
        f"Labelled set: {len(items)} enterprise requests in {len({i.topic for i in items})} topics "
        f"(`tests/desk/requests_labelled.yaml`; its header says how it was built). A request counts at k when one "
        "of the first k suggested units is among its expected units (canonical names, "
        "`src/zhida/desk/data/units.yaml`). Store: the five seeds, SQLite.",
        "",
        *rows,
        "",
        f"Routing time: {elapsed / len(items) * 1000:.1f} ms per request (in-process, seeds only).",
        "",
        f"Dev misses at top-3 ({len(misses)}):",
        *[f"- {o.item.text} — expected {'、'.join(o.item.units)}; suggested {'、'.join(o.suggested) or '—'}"
          for o in misses],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main([]))
