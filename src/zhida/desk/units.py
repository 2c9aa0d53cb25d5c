"""Unit names as the desk dispatches to them: the seeds' many spellings of one unit → one name.

The table is data (``data/units.yaml``, with where it comes from): canonical names and their other
spellings, territorial units (各区政府, 开发区管委会: co-responsible for their area, weighted down
when routing by function) and generic ones (相关单位: never suggested).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from zhida.documents.citation import simplified

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class UnitTable:
    aliases: dict[str, str]  # any spelling (canonical included) → canonical
    territorial: frozenset[str]
    territorial_weight: float
    generic: frozenset[str]

    def canonical(self, name: str) -> str:
        """北京税务局 → 市税务局; an unknown name is kept as written (simplified, spaces removed)."""
        clean = "".join(simplified(name).split())
        return self.aliases.get(clean, clean)

    def weight(self, name: str) -> float:
        """How much a mention of ``name`` counts towards routing: 0 for generic, less for territorial."""
        clean = self.canonical(name)
        if clean in self.generic:
            return 0.0
        if clean in self.territorial:
            return self.territorial_weight
        return 1.0

    def known(self) -> set[str]:
        return set(self.aliases.values())


@lru_cache(maxsize=1)
def table() -> UnitTable:
    raw = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for canonical, others in raw["canonical"].items():
        aliases[canonical] = canonical
        for other in others or []:
            aliases[other] = canonical
    return UnitTable(
        aliases=aliases,
        territorial=frozenset(raw.get("territorial", [])),
        territorial_weight=float(raw.get("territorial_weight", 0.3)),
        generic=frozenset(raw.get("generic", [])),
    )


def canonical(name: str) -> str:
    return table().canonical(name)
