"""Reading measured on real documents zhida was not built on: tree exactness, units / amounts /
dates F1 against hand-checked gold (tests/documents/fixtures/corpus, see its README.md).

    python -m benchmarks.run --only reading_eval
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

NAME = "reading_eval"
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "documents" / "fixtures" / "corpus"


def evaluate(corpus: Path = CORPUS):
    from zhida.documents.evaluation import load_gold, score
    from zhida.documents.pipeline import parse_file

    scores = []
    for gold_path in sorted(corpus.glob("*.yaml")):
        gold = load_gold(gold_path)
        scores.append(score(parse_file(corpus / gold.file), gold))
    return scores


def main(argv: list[str]) -> str:
    from zhida.documents.evaluation import FIELDS, total

    parser = argparse.ArgumentParser(prog="python -m benchmarks.reading_eval")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args, _ = parser.parse_known_args(argv)
    started, cpu = time.perf_counter(), time.process_time()
    scores = evaluate(args.corpus)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    exact = sum(s.tree_exact for s in scores)
    levels = Counter(s.level for s in scores)
    formats = Counter(Path(s.name).suffix.lstrip(".") for s in scores)
    gold_leaves = sum(s.gold_leaves for s in scores)
    leaf_error = sum(abs(s.found_leaves - s.gold_leaves) for s in scores) / gold_leaves if gold_leaves else 0.0
    sums = total(scores)
    lines = [
        f"{len(scores)} real documents ({', '.join(f'{n} {k}' for k, n in sorted(levels.items()))}; "
        f"{', '.join(f'{n} {k}' for k, n in sorted(formats.items()))}) with hand-checked gold in "
        "`tests/documents/fixtures/corpus` (sources and the rules of the gold in its README.md). "
        f"Parsed in {wall:.1f} s wall, {cpu:.1f} s CPU.",
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
    lines += ["", "How far to trust these figures: the gold was written by reading each text before the reader "
              "was run on it; the reader was then improved on this corpus (HTML cells that lay out a gov.cn page, "
              "'以下简称…' brackets, per-unit words, fine bands), so these are development figures, not held-out ones "
              "— the hidden set of issue 17 is the held-out check. Three unit items ('由市人民政府制定') were added to "
              "the gold after the reader found them and the text was re-read; nothing else in the gold came from the "
              "reader's output."]
    lines += ["", "Amounts count as correct only with the gold role (cap, floor, threshold_min, per_unit, total, "
              "instalment …); units by name, per clause; dates as days, per clause.", "",
              "| document | level | tree | leaves gold/found | units F1 | amounts F1 | dates F1 |",
              "|---|---|---|---|---:|---:|---:|"]
    for s in scores:
        f1 = {name: (f"{s.fields[name].f1:.2f}" if s.fields[name].tp + s.fields[name].fn + s.fields[name].fp else "—")
              for name in FIELDS}
        lines.append(f"| {s.name} | {s.level} | {'exact' if s.tree_exact else 'differs'} | "
                     f"{s.gold_leaves}/{s.found_leaves} | {f1['units']} | {f1['amounts']} | {f1['dates']} |")
    misses = [(s.name, name, kind, item) for s in scores for name in FIELDS for kind, item in s.misses[name]]
    if misses:
        lines += ["", "What is still missed or extra:", ""]
        lines += [f"- {doc} {name}: {kind} {item}" for doc, name, kind, item in misses[:60]]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(main(sys.argv[1:]))
