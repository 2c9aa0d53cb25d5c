"""Supervision task drafts on the five seeds against the hand-checked list
(tests/supervision/tasks_expected.yaml; its header says how it was checked), on the 004 hold-out,
and on a second document from another city (tests/supervision/documents/gz_talent_2012.txt against
tests/supervision/tasks_guangzhou.yaml).

    python -m benchmarks.run --only supervision_drafts

Drafted twice: from freshly parsed files and from a fresh SQLite store the seeds were ingested
into (what the service drafts from); both are scored by ``zhida.supervision.measure``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from zhida import config
from zhida.supervision.draft import draft_document
from zhida.supervision.measure import draft_seeds, load_expected, score
from zhida.supervision.source import from_store

NAME = "supervision_drafts"
EXPECTED = Path(__file__).resolve().parent.parent / "tests" / "supervision" / "tasks_expected.yaml"
HOLDOUT = EXPECTED.with_name("tasks_holdout.yaml")
GUANGZHOU = EXPECTED.with_name("tasks_guangzhou.yaml")
GUANGZHOU_TEXT = EXPECTED.parent / "documents" / "gz_talent_2012.txt"
# 004 hold-out, first run (before the three fixes its header lists), as measured then
FIRST_HOLDOUT_RUN = ("004 hold-out, first run: units precision 0.993 / recall 1.000 (141 / 1 / 0); deadlines right on "
                     "62 of 63 tasks (one stated where none is); targets precision 0.500 / recall 1.000 (1 / 1 / 0). "
                     "The hold-out has no deadline and one target, so it says little about those two; its leads "
                     "are all 'first listed' (no 牵头/会同 in 004), which the rule gives by construction.")


# 广州 second document, first run on the code before it was read (main at 6ba3a4c, 2026-12-03 17:55 UTC),
# against the list as hand-checked before that run
FIRST_GUANGZHOU_RUN = ("广州 second document, first run (the drafting code before this document was read): tasks "
                       "precision 0.978 / recall 1.000 (44 / 1 / 0: an alias in brackets, 人才联络站（海外人才工作站）, read as a "
                       "unit list); units precision 0.239 / recall 0.331 (44 / 140 / "
                       "89) — the lead list ran on past “，配合单位：” so every unit was read as lead, and 各区、县级市 "
                       "was split into 各区 and a unit named 县级市; deadlines precision 1.000 / recall 0.037 (1 / 0 / "
                       "26), right on 18 of 44 — the date line under the title was not read, so no year for “5年内”, "
                       "and spans of years set no deadline; targets precision 0.964 / recall 0.429 (27 / 1 / 36) — "
                       "选拔/培养/资助/扶持 were not verbs of commitment, a list of counts after one verb lost all but "
                       "the first. The fixes are general rules (docs/supervision.md); the figures above after them "
                       "are in-sample for this document too.")


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--expected", default=str(EXPECTED))
    args, _ = parser.parse_known_args(argv)
    expected = load_expected(Path(args.expected))
    started, cpu = time.perf_counter(), time.process_time()
    parsed = draft_seeds(config.sources_dir())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    from zhida.store import ingest_paths, open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/drafts.sqlite3")
        try:
            ingest_paths(store, [config.sources_dir()])
            with store.transaction() as session:
                stored = {key: draft_document(from_store(session, key)) for key in parsed}
        finally:
            store.close()
    rows = ["| drafted from | what | precision | recall | tp / fp / fn |", "|---|---|---|---|---|"]
    results = {"parsed files": score(expected, parsed), "the store": score(expected, stored)}
    for source, result in results.items():
        for label, name in (("tasks", "tasks"), ("units (unit, lead/support)", "units"), ("lead units", "leads"),
                            ("deadlines (stated)", "deadlines"), ("targets (value, unit)", "targets")):
            s = getattr(result, name)
            rows.append(f"| {source} | {label} | {s.precision:.3f} | {s.recall:.3f} | {s.tp} / {s.fp} / {s.fn} |")
    holdout = score(load_expected(HOLDOUT), parsed)
    for label, name in (("tasks", "tasks"), ("units (unit, lead/support)", "units"), ("deadlines (stated)", "deadlines"),
                        ("targets (value, unit)", "targets")):
        s = getattr(holdout, name)
        rows.append(f"| 004 hold-out (parsed files) | {label} | {s.precision:.3f} | {s.recall:.3f} | "
                    f"{s.tp} / {s.fp} / {s.fn} |")
    from zhida.documents.pipeline import parse_file
    from zhida.supervision.source import from_parsed

    gz = score(load_expected(GUANGZHOU), {GUANGZHOU_TEXT.stem: draft_document(from_parsed(
        GUANGZHOU_TEXT.stem, parse_file(GUANGZHOU_TEXT)))})
    for label, name in (("tasks", "tasks"), ("units (unit, lead/support)", "units"), ("lead units", "leads"),
                        ("deadlines (stated)", "deadlines"), ("targets (value, unit)", "targets")):
        s = getattr(gz, name)
        rows.append(f"| 广州 633 人才工程 (second document) | {label} | {s.precision:.3f} | {s.recall:.3f} | "
                    f"{s.tp} / {s.fp} / {s.fn} |")
    first = results["parsed files"]
    total = sum(len(v) for v in parsed.values())
    lines = [
        f"Hand-checked list: {first.clauses} clauses (the 39 government-internal leaf clauses of the measures + "
        f"000 4.10), {first.tasks.tp + first.tasks.fn} tasks. All documents drafted: {total} tasks from the five "
        f"seeds in {elapsed:.2f} s wall, {cpu:.2f} s CPU (parsing included).",
        "",
        *rows,
        "",
        f"Deadline right (a date, or rightly none) on {first.deadline_right} of {first.paired} paired tasks "
        f"(hold-out: {holdout.deadline_right} of {holdout.paired}).",
        "",
        "Caveat: the first block is in-sample — the drafting rules (zhida.supervision.assign/deadlines/targets) "
        "were written while reading those clauses. The 004 hold-out (tests/supervision/tasks_holdout.yaml, "
        f"{holdout.tasks.tp + holdout.tasks.fn} tasks, traditional script, enterprise-facing measures with a unit "
        "list after each sentence) was not read while writing them; its first run found three errors, fixed "
        "since by general rules (generic unit names, a benefit level is not a target, 近两年内 is no deadline), "
        "so only the first run is an unseen-document figure:",
        "",
        FIRST_HOLDOUT_RUN,
        "",
        f"Misses ({len(first.misses)}):",
        *[f"- {m}" for m in first.misses],
        "",
        f"Second document (广州 633 人才工程, tests/supervision/tasks_guangzhou.yaml, {gz.tasks.tp + gz.tasks.fn} "
        f"tasks): deadline right on {gz.deadline_right} of {gz.paired} paired tasks. Misses ({len(gz.misses)}):",
        *[f"- {m}" for m in gz.misses],
        "",
        FIRST_GUANGZHOU_RUN,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main([]))
