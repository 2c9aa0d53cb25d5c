"""Measuring routing suggestions on a labelled set: top-1 and top-k unit accuracy.

The set (``tests/desk/requests_labelled.yaml``) lists topics, each with the clauses it rests on,
the expected units and the requests; a request is answered correctly at k when one of the first
k suggested units is among its expected units (both canonical). The hold-out part is fixed by the
text alone (sha1's first byte % 3 == 0), so nobody chooses it and tuning never looks at it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zhida.desk.routing import suggest
from zhida.desk.units import canonical
from zhida.store.database import Store


@dataclass(frozen=True)
class Labelled:
    text: str
    topic: str
    units: tuple[str, ...]
    clauses: tuple[str, ...]

    @property
    def split(self) -> str:
        return "holdout" if hashlib.sha1(self.text.encode()).digest()[0] % 3 == 0 else "dev"


@dataclass
class Outcome:
    item: Labelled
    suggested: list[str]

    def hit(self, k: int) -> bool:
        return any(unit in self.item.units for unit in self.suggested[:k])


@dataclass
class Accuracy:
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, split: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if split is None or o.item.split == split]

    def top(self, k: int, split: str | None = None) -> float:
        chosen = self.of(split)
        return sum(o.hit(k) for o in chosen) / len(chosen) if chosen else 0.0


def load(path: Path) -> list[Labelled]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Labelled(text=str(text), topic=topic["topic"], units=tuple(canonical(u) for u in topic["units"]),
                 clauses=tuple(topic.get("clauses", [])))
        for topic in raw["topics"]
        for text in topic["requests"]
    ]


def evaluate(store: Store, items: list[Labelled], k: int = 3, **options) -> Accuracy:
    """``options``: ``suggest``'s ablation switches (clauses_only, catalogue_only)."""
    return Accuracy([Outcome(item, [u.unit for u in suggest(store, item.text, limit=k, **options).units])
                     for item in items])
