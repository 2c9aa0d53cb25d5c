"""The desk's offices: the supervising unit (督办), the hotline's and the enterprise line's (涉企专席)
receiving units, the request types a request is filed under (each with its default units and the
keywords that recognise it; the fine-grained 派单目录 of the routing suggestion is ``catalogue``),
and unit grades for the rankings. Data: ``data/offices.yaml``. Unit names are compared in their
canonical form (``units.canonical``: 北京市税务局 and 市税务局 are one unit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from zhida.errors import ZhidaError

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class RequestType:
    code: str
    label: str
    units: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    supervisor: str
    hotline: str
    enterprise_line: str
    types: dict[str, RequestType]
    grades: tuple[tuple[str, re.Pattern], ...]

    def type(self, code: str) -> RequestType:
        if code not in self.types:
            raise ZhidaError("category", f"未知的诉求类型“{code}”，可选：{'、'.join(t.label for t in self.types.values())}")
        return self.types[code]

    def classify(self, text: str) -> str:
        """The type whose keywords occur most in ``text`` (其他 when none does)."""
        best, score = "other", 0
        for t in self.types.values():
            hits = sum(text.count(k) for k in t.keywords)
            if hits > score:
                best, score = t.code, hits
        return best

    def grade(self, unit: str) -> str:
        for label, pattern in self.grades:
            if pattern.search(unit):
                return label
        return "其他单位"

    def units(self) -> list[str]:
        seen = dict.fromkeys([self.supervisor, self.hotline, self.enterprise_line])
        for t in self.types.values():
            seen.update(dict.fromkeys(t.units))
        return list(seen)


@cache
def load() -> Catalogue:
    data = yaml.safe_load((DATA / "offices.yaml").read_text(encoding="utf-8"))
    types = {code: RequestType(code, spec["label"], tuple(spec["units"]), tuple(spec.get("keywords") or ()))
             for code, spec in data["types"].items()}
    grades = tuple((label, re.compile(pattern)) for label, pattern in (data.get("grades") or {}).items())
    return Catalogue(data["supervisor"], data["hotline"], data["enterprise_line"], types, grades)


def canonical(unit: str) -> str:
    from zhida.desk.units import canonical as canonical_name

    return canonical_name((unit or "").strip())
