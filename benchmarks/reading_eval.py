"""Reading measured on real documents: tree exactness, units / amounts / dates F1 against
hand-checked gold.

Two sets: the development corpus (tests/documents/fixtures/corpus, documents in the repository, the
reader was improved on it) and the held-out set (tests/documents/fixtures/heldout: gold in the
repository, documents kept outside it — see its README.md; pass ``--heldout-docs DIR`` or set
``ZHIDA_HELDOUT_DOCS``). Each set is reported on its own.

    python -m benchmarks.run --only reading_eval
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections import Counter
from pathlib import Path

NAME = "reading_eval"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "documents" / "fixtures"
CORPUS = FIXTURES / "corpus"
HELDOUT = FIXTURES / "heldout"
RESULTS = Path(__file__).with_name("RESULTS.md")


def evaluate(corpus: Path = CORPUS, docs: Path | None = None):
    from zhida.documents.evaluation import evaluate_folder

    return evaluate_folder(corpus, docs)


def heldout_docs(argv_value: Path | None) -> Path | None:
    if argv_value is not None:
        return argv_value
    env = os.environ.get("ZHIDA_HELDOUT_DOCS")
    return Path(env) if env else None


def report(scores, misses_shown: int = 60) -> list[str]:
    from zhida.documents.evaluation import FIELDS, total

    if not scores:
        return ["No document of this set was at hand."]
    exact = sum(s.tree_exact for s in scores)
    levels = Counter(s.level for s in scores)
    formats = Counter(Path(s.name).suffix.lstrip(".") for s in scores)
    gold_leaves = sum(s.gold_leaves for s in scores)
    leaf_error = sum(abs(s.found_leaves - s.gold_leaves) for s in scores) / gold_leaves if gold_leaves else 0.0
    sums = total(scores)
    lines = [
        f"{len(scores)} documents ({', '.join(f'{n} {k}' for k, n in sorted(levels.items()))}; "
        f"{', '.join(f'{n} {k}' for k, n in sorted(formats.items()))}).",
        "",
        f"**Clause tree exact on {exact} of {len(scores)} documents ({exact / len(scores):.0%}); "
        f"leaf-count error {leaf_error:.1%}** ({gold_leaves} gold leaves). Aim: ≥ 95% exact.",
        "",
        "| field | gold | found | correct | precision | recall | F1 | aim |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    aims = {"units": "≥ 0.95", "amounts": "≥ 0.95", "dates": "—"}
    for name in FIELDS:
        s = sums[name]
        lines.append(f"| {name} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {s.precision:.3f} | {s.recall:.3f} | "
                     f"{s.f1:.3f} | {aims[name]} |")
    signed = [s.written_on for s in scores if s.written_on is not None]
    if signed:
        lines += ["", f"The signature's date (成文日期), which the reader keeps as metadata (`written_on`) rather than "
                      f"as a clause's date, is right on {sum(signed)} of {len(signed)} documents whose gold states it."]
    lines += ["", "| document | level | tree | leaves gold/found | units F1 | amounts F1 | dates F1 |",
              "|---|---|---|---|---:|---:|---:|"]
    for s in scores:
        f1 = {name: (f"{s.fields[name].f1:.2f}" if s.fields[name].tp + s.fields[name].fn + s.fields[name].fp else "—")
              for name in FIELDS}
        lines.append(f"| {s.name} | {s.level} | {'exact' if s.tree_exact else 'differs'} | "
                     f"{s.gold_leaves}/{s.found_leaves} | {f1['units']} | {f1['amounts']} | {f1['dates']} |")
    misses = [(s.name, name, kind, item) for s in scores for name in FIELDS for kind, item in s.misses[name]]
    if misses:
        lines += ["", f"What is still missed or extra ({len(misses)}; the first {min(len(misses), misses_shown)}):", ""]
        lines += [f"- {doc} {name}: {kind} {item}" for doc, name, kind, item in misses[:misses_shown]]
    return lines


def history() -> list[str]:
    """The section's '### History' subsection as RESULTS.md has it, kept across runs."""
    if not RESULTS.exists():
        return []
    text = RESULTS.read_text(encoding="utf-8")
    section = re.search(rf"<!-- BEGIN {NAME} -->(.*?)<!-- END {NAME} -->", text, re.S)
    if not section or "### History" not in section.group(1):
        return []
    return ["", "### History", "", *section.group(1).split("### History", 1)[1].strip("\n").splitlines()]


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reading_eval")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--heldout-docs", type=Path, default=None)
    args, _ = parser.parse_known_args(argv)
    started, cpu = time.perf_counter(), time.process_time()
    held, unavailable = evaluate(args.heldout, heldout_docs(args.heldout_docs) or args.heldout / "docs")
    dev, _ = evaluate(args.corpus)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    gold_files = len(list(args.heldout.glob("*.yaml")))
    lines = [f"Both sets parsed in {wall:.1f} s wall, {cpu:.1f} s CPU. Amounts count as correct only with the "
             "gold role (cap, floor, threshold_min, per_unit, total, instalment …); units by name, per clause; "
             "dates as days, per clause.", "",
             "### Held-out set (tests/documents/fixtures/heldout)", "",
             f"Gold for {gold_files} documents as their sites published them, written before the reader was first "
             "run on them (sources and rules in its README.md). The documents are kept outside the repository; "
             f"{len(held)} were at hand for this run."
             + (f" Not scored: {', '.join(f'{f} ({why})' for f, why in unavailable)}." if unavailable else ""),
             "After the first run of each batch the reader was improved on the failure classes it showed, so these "
             "figures are in-sample; the blind figures of each batch are in the history below.", "",
             *report(held), "",
             "### Development corpus (tests/documents/fixtures/corpus)", "",
             "Gold written by reading each text before the reader was run on it; the reader was then improved on "
             "this corpus (HTML cells that lay out a gov.cn page, '以下简称…' brackets, per-unit words, fine bands), "
             "so these are development figures. Three unit items ('由市人民政府制定') were added to the gold after "
             "the reader found them and the text was re-read.", "",
             *report(dev), *history()]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(main(sys.argv[1:]))
