"""Drafted rules (issue 17): drafts of the five seeds against their reviewed measures, drafts of five
held-out documents against measures encoded by hand (tests/drafting/heldout), and the time drafting
takes per document.

    python -m benchmarks.run --only drafting [--drafting-repeat 20]

Quality (``zhida.drafting.score``): share of reviewed enterprise-side measures whose sentence has
a draft (found), share of found measures whose paired draft needs no edit to conditions and
amount, agreement by field, drafts the loader accepts. Speed: drafting only (parsing excluded —
it happens at ingest), wall and CPU per document, on the seeds and the unseen-layout fixtures of
tests/documents, repeated to smooth a shared machine.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from zhida import config
from zhida.documents.pipeline import parse_file
from zhida.drafting import source, validate
from zhida.drafting.draft import draft_document
from zhida.drafting.gold import gold_policies, load_gold
from zhida.drafting.score import FIELDS, score
from zhida.rules import load_policies

NAME = "drafting"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "documents" / "fixtures"
UNSEEN = FIXTURES / "unseen"
CORPUS = FIXTURES / "corpus"  # 30 real documents of varied origin (the reading evaluation corpus)
HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "drafting" / "heldout"  # hand-encoded gold, 5 documents
FIELD_ZH = {"kind": "kind", "beneficiary": "beneficiary", "application": "application", "jurisdiction": "jurisdiction",
            "period": "period", "responsible_units": "responsible units", "conditions": "conditions (quantified set)",
            "open_criteria": "open criteria (count)", "amount": "amount (kind, expr, cap, floor, upper)"}


def _parsed(directory: Path) -> dict:
    out = {}
    for p in sorted(directory.glob("*")):
        if p.suffix in (".yaml", ".py") or p.name == "README.md":
            continue
        try:
            out[p.stem] = source.from_parsed(p.stem, parse_file(p))
        except Exception:  # noqa: BLE001 - a fixture the pipeline refuses is not a drafting figure
            continue
    return out


def _docs() -> tuple[dict, dict, dict]:
    seeds = {p.stem: source.from_parsed(p.stem, parse_file(p)) for p in sorted(config.sources_dir().glob("*"))
             if p.is_file() and not p.name.startswith(".")}
    return seeds, _parsed(UNSEEN), _parsed(CORPUS)


def heldout(policies, corpus: dict):
    """Drafts of the held-out documents scored against their hand-encoded gold (tests/drafting/heldout)."""
    golds = {g.stem: load_gold(policies, g, corpus[g.stem]) for g in sorted(HELDOUT.glob("*.yaml"))}
    drafted = {key: draft_document(corpus[key], policies) for key in golds}
    checked = {d.id: validate.check(policies, key, d.measure, corpus[key]) for key, ds in drafted.items() for d in ds}
    return score(gold_policies(policies, golds), drafted, checked)


def _table(s) -> list[str]:
    rows = ["| field | paired drafts agreeing | share of found |", "|---|---|---|"]
    for f in FIELDS:
        rows.append(f"| {FIELD_ZH[f]} | {s.fields[f]} | {s.fields[f] / s.found:.1%} |" if s.found else f"| {f} | 0 | — |")
    docs = ["| document | reviewed measures | found | drafts |", "|---|---|---|---|"]
    docs += [f"| {k} | {r} | {f} | {d} |" for k, (r, f, d) in s.per_document.items()]
    return [*rows, "", *docs]


def _time(policies, docs: dict, repeat: int) -> tuple[float, float, int]:
    draft_document(next(iter(docs.values())), policies)  # warm the lexicon and regexes
    wall0, cpu0 = time.perf_counter(), time.process_time()
    drafts = 0
    for _ in range(repeat):
        for doc in docs.values():
            drafts += len(draft_document(doc, policies))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    n = repeat * len(docs)
    return wall / n * 1000, cpu / n * 1000, drafts // repeat


def main(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafting-repeat", type=int, default=20)
    args, _ = parser.parse_known_args(argv)
    policies = load_policies()
    seeds, unseen, corpus = _docs()
    drafted = {key: draft_document(doc, policies) for key, doc in seeds.items()}
    checked = {d.id: validate.check(policies, key, d.measure, seeds[key]) for key, ds in drafted.items() for d in ds}
    s = score(policies, drafted, checked)
    seed_ms = _time(policies, seeds, args.drafting_repeat)
    unseen_ms = _time(policies, unseen, args.drafting_repeat) if unseen else None
    corpus_ms = _time(policies, corpus, args.drafting_repeat) if corpus else None
    corpus_checked = [validate.check(policies, k, d.measure, doc) for k, doc in corpus.items()
                      for d in draft_document(doc, policies)]
    corpus_open: dict[str, int] = {}
    for c in corpus_checked:
        for f in c.open_fields:
            corpus_open[f] = corpus_open.get(f, 0) + 1
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        f"Reviewed enterprise-side measures of the five seeds: {s.reviewed}. Drafts: {s.drafts} "
        f"({s.valid} accepted by the loader with open required fields stood in; {s.extra} overlap no reviewed "
        "measure — sentences reviewers left `not_encoded`, or benefits split differently).",
        "",
        f"- **benefits found**: {s.found} / {s.reviewed} = {s.found_share:.1%}",
        f"- **drafts whose conditions and amount need no edit**: {s.no_edit} / {s.found} = {s.no_edit_share:.1%} "
        "of found",
        "",
        *_table(s),
        "",
        f"Drafting time (parsing excluded), mean per document over {args.drafting_repeat} passes, load at start "
        f"{load}:",
        "",
        "| corpus | documents | drafts | wall ms / document | CPU ms / document |",
        "|---|---|---|---|---|",
        f"| seeds | {len(seeds)} | {seed_ms[2]} | {seed_ms[0]:.1f} | {seed_ms[1]:.1f} |",
    ]
    if unseen_ms:
        lines.append(f"| unseen-layout fixtures (tests/documents) | {len(unseen)} | {unseen_ms[2]} | "
                     f"{unseen_ms[0]:.1f} | {unseen_ms[1]:.1f} |")
    if corpus_ms:
        lines.append(f"| evaluation corpus (30 real documents, tests/documents/fixtures/corpus) | {len(corpus)} | "
                     f"{corpus_ms[2]} | {corpus_ms[0]:.1f} | {corpus_ms[1]:.1f} |")
        lines += ["", f"Evaluation corpus (not read while writing the drafting rules): {len(corpus_checked)} drafts, "
                  f"{sum(c.ok for c in corpus_checked)} accepted by the loader; required fields left open "
                  f"(the text or the region table does not give them): "
                  + (", ".join(f"{k} {v}" for k, v in sorted(corpus_open.items())) or "none")
                  + ". No reviewed measures exist for these documents, so found / no-edit shares are seeds only "
                  "(in-sample: the drafting rules were written while reading the seeds)."]
    h = heldout(policies, corpus)
    lines += ["", f"**Held-out** (out of sample): {len(h.per_document)} documents of the evaluation corpus, their "
              f"enterprise-side measures encoded by hand from the text (tests/drafting/heldout, {h.reviewed} measures; "
              "tiers recorded as their highest sum, `maximum`; conditions whose fact the catalogue lacks as open "
              f"criteria). Drafts: {h.drafts} ({h.valid} accepted by the loader; {h.extra} overlap no gold measure).",
              "",
              f"- **benefits found (held-out)**: {h.found} / {h.reviewed} = {h.found_share:.1%}",
              f"- **drafts whose conditions and amount need no edit (held-out)**: {h.no_edit} / {h.found} = "
              f"{h.no_edit_share:.1%} of found",
              "", *_table(h), "",
              "Missed held-out measures: " + ("、".join(h.misses) or "none"), "",
              "Reading the held-out figures: these documents state few quantified conditions a catalogue fact can "
              "carry and often no sum (法规 refer to 有关规定), so 'conditions' and 'amount' agree largely on absence "
              "(no quantified condition, `not_stated`), and 'responsible units' on none being named — the no-edit "
              "share is not comparable with the seeds'. Where they differ the drafts miss what a reviewer must add: "
              "柳河县 (220524) is not read from these copies (no issuer), beneficiaries of 用人单位/机构 stay open, "
              "the open criteria count differs. Gold written before the drafts were looked at."]
    lines += ["", "Target ≤ 50 ms per document on average. Missed reviewed measures (first 30): "
              + ("、".join(s.misses[:30]) or "none")]
    return "\n".join(lines)
