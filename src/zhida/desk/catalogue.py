"""The 派单目录: request categories → responsible units, with the clauses each entry rests on.

Declared data (``data/dispatch_catalogue.yaml``); a category applies to a request when one of its
keywords occurs in the request's (simplified) text. The routing suggestion uses it beside the
clause evidence: the catalogue says who is in charge of a kind of matter, the clauses say which
rule the request touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from zhida.desk.units import DATA, canonical


@dataclass(frozen=True)
class Category:
    name: str
    keywords: tuple[str, ...]
    units: tuple[str, ...]  # canonical, lead unit first
    sources: tuple[str, ...]  # "000:3.6": document key prefix and clause id

    def found(self, text: str) -> list[str]:
        """The keywords of this category that occur in ``text`` (already simplified)."""
        lowered = text.lower()
        return [keyword for keyword in self.keywords if keyword.lower() in lowered]


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    raw = yaml.safe_load((DATA / "dispatch_catalogue.yaml").read_text(encoding="utf-8"))
    return tuple(
        Category(
            name=entry["name"],
            keywords=tuple(str(k) for k in entry["keywords"]),
            units=tuple(canonical(u) for u in entry["units"]),
            sources=tuple(entry["sources"]),
        )
        for entry in raw["categories"]
    )


def matching(text: str) -> list[tuple[Category, list[str]]]:
    """The categories whose keywords occur in ``text``, with those keywords; most keywords first."""
    found = [(category, category.found(text)) for category in categories()]
    return sorted([(c, k) for c, k in found if k], key=lambda pair: -sum(len(k) for k in pair[1]))


def split_source(source: str) -> tuple[str, str]:
    """'000:3.6' → ('000', '3.6')."""
    prefix, _, clause = source.partition(":")
    return prefix, clause
