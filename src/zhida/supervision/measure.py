"""Drafted tasks against a hand-checked list (``tests/supervision/tasks_expected.yaml``):
precision and recall of tasks, of (unit, role) pairs, of deadlines and of targets.

Per clause the expected and drafted tasks are paired greedily by the overlap of their unit sets
(ties: document order). Units count as (unit, lead|support) pairs; a deadline counts when the
task states one (a right "none" is reported apart, as accuracy over all paired tasks); targets
count as (value, unit) pairs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from zhida.supervision.draft import TaskDraft


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Result:
    clauses: int = 0
    tasks: Score = field(default_factory=Score)
    units: Score = field(default_factory=Score)
    leads: Score = field(default_factory=Score)
    deadlines: Score = field(default_factory=Score)
    targets: Score = field(default_factory=Score)
    deadline_right: int = 0  # paired tasks whose deadline (or its absence) is right
    paired: int = 0
    misses: list[str] = field(default_factory=list)


def load_expected(path: Path) -> dict[str, dict[str, list[dict]]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["documents"]


def _pairs(task: dict) -> set[tuple[str, str]]:
    return {(u, "lead") for u in task["lead"]} | {(u, "support") for u in task["support"]}


def _targets(items) -> Counter:
    out: Counter = Counter()
    for value, unit in items:
        out[(str(Decimal(str(value)).normalize()) if value is not None else "", str(unit))] += 1
    return out


def _as_expected(draft: TaskDraft) -> dict:
    return {"lead": draft.lead, "support": draft.support, "deadline": draft.deadline,
            "targets": [(t.value, t.unit) for t in draft.targets]}


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def score(expected: dict[str, dict[str, list[dict]]], drafted: dict[str, list[TaskDraft]]) -> Result:
    result = Result()
    for document, clauses in expected.items():
        for clause_id, wanted in clauses.items():
            result.clauses += 1
            got = [_as_expected(d) for d in drafted.get(document, []) if d.clause_id == str(clause_id)]
            free = list(range(len(got)))
            for i, want in enumerate(wanted):
                best, overlap = None, 0.0
                for j in free:
                    a, b = {u for u, _ in _pairs(want)}, {u for u, _ in _pairs(got[j])}
                    jaccard = len(a & b) / len(a | b) if a | b else 0.0
                    if jaccard > overlap:
                        best, overlap = j, jaccard
                where = f"{document[:3]} {clause_id} #{i + 1}"
                if best is None:
                    result.tasks.fn += 1
                    result.units.fn += len(_pairs(want))
                    result.leads.fn += len(want["lead"])
                    result.deadlines.fn += want.get("deadline") is not None
                    result.targets.fn += sum(_targets(want["targets"]).values())
                    result.misses.append(f"{where}: no task drafted")
                    continue
                free.remove(best)
                have = got[best]
                result.tasks.tp += 1
                result.paired += 1
                w, h = _pairs(want), _pairs(have)
                result.units.tp += len(w & h)
                result.units.fp += len(h - w)
                result.units.fn += len(w - h)
                wl, hl = set(want["lead"]), set(have["lead"])
                result.leads.tp += len(wl & hl)
                result.leads.fp += len(hl - wl)
                result.leads.fn += len(wl - hl)
                if w != h:
                    result.misses.append(f"{where}: units {sorted(h - w)} drafted, {sorted(w - h)} expected")
                wd, hd = _day(want.get("deadline")), _day(have["deadline"])
                result.deadline_right += wd == hd
                if wd is not None and hd == wd:
                    result.deadlines.tp += 1
                else:
                    result.deadlines.fp += hd is not None
                    result.deadlines.fn += wd is not None
                    if wd != hd:
                        result.misses.append(f"{where}: deadline {hd} drafted, {wd} expected")
                wt, ht = _targets(want["targets"]), _targets(have["targets"])
                result.targets.tp += sum((wt & ht).values())
                result.targets.fp += sum((ht - wt).values())
                result.targets.fn += sum((wt - ht).values())
                if wt != ht:
                    result.misses.append(f"{where}: targets {sorted(ht - wt)} drafted, {sorted(wt - ht)} expected")
            for j in free:
                result.tasks.fp += 1
                result.units.fp += len(_pairs(got[j]))
                result.leads.fp += len(got[j]["lead"])
                result.deadlines.fp += got[j]["deadline"] is not None
                result.targets.fp += len(got[j]["targets"])
                result.misses.append(f"{document[:3]} {clause_id}: extra task {got[j]['lead']}")
    return result


def draft_seeds(sources: Path) -> dict[str, list[TaskDraft]]:
    from zhida.documents.pipeline import parse_file
    from zhida.supervision.draft import draft_document
    from zhida.supervision.source import from_parsed

    out = {}
    for path in sorted(sources.glob("*.txt")):
        out[path.stem] = draft_document(from_parsed(path.stem, parse_file(path)))
    return out
