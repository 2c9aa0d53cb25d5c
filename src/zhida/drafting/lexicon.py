"""Phrases of policy texts → catalogue facts, shared concepts and open-criterion names.

Built once per fact catalogue from every fact's ``label_zh`` (event attributes as their own
label: 购买价格 → first_set_purchase.price) and ``data/lexicon.yaml``. Matching is longest
phrase first on simplified text; nothing here knows a particular document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "lexicon.yaml"
NUMERIC = ("money", "integer", "decimal", "percent")
# labels too generic to stand for one fact wherever they appear
GENERIC = {"日期", "金额", "价格", "类型", "层级"}


@dataclass(frozen=True)
class Lexicon:
    numeric: tuple[tuple[str, str], ...]  # (phrase, fact) longest first
    boolean: tuple[tuple[str, str], ...]
    qualifications: dict  # beneficiary code → {expr}
    beneficiaries: dict  # beneficiary code → measure beneficiary
    open_words: tuple[tuple[str, str], ...]  # (word, open criterion id) longest first
    numeric_rx: re.Pattern | None = None
    open_rx: re.Pattern | None = None

    def numeric_fact(self, text: str) -> tuple[str, str] | None:
        """The last numeric-fact phrase in ``text`` (the one nearest a number after it)."""
        found = None
        for m in self.numeric_rx.finditer(text) if self.numeric_rx else ():
            found = (m.group(0), dict(self.numeric)[m.group(0)])
        return found

    def boolean_fact(self, text: str) -> tuple[str, str] | None:
        for phrase, fact in self.boolean:
            if phrase in text:
                return phrase, fact
        return None

    def open_words_in(self, text: str) -> list[tuple[int, str, str]]:
        """(position, word, id) of every unquantified word in ``text``."""
        return [(m.start(), m.group(0), dict(self.open_words)[m.group(0)])
                for m in self.open_rx.finditer(text)] if self.open_rx else []


def _longest(pairs) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=8)
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def build(catalogue) -> Lexicon:
    data = _data()
    known = catalogue.facts
    numeric, boolean = {}, {}
    for name, fact in known.items():
        label = fact.label_zh
        if not label or label in GENERIC or len(label) < 2:
            continue
        if fact.type in NUMERIC:
            numeric.setdefault(label, name)
        elif fact.type == "boolean" and len(label) >= 4:
            boolean.setdefault(label, name)
    for phrase, name in (data.get("facts") or {}).items():
        if name in known and known[name].type in NUMERIC:
            numeric[phrase] = name
    numeric_pairs = _longest(numeric.items())
    open_pairs = _longest((data.get("open_words") or {}).items())
    return Lexicon(numeric_pairs, _longest(boolean.items()), dict(data.get("qualifications") or {}),
                   dict(data.get("beneficiaries") or {}), open_pairs,
                   re.compile("|".join(re.escape(p) for p, _ in numeric_pairs)) if numeric_pairs else None,
                   re.compile("|".join(re.escape(p) for p, _ in open_pairs)) if open_pairs else None)


_CACHE: dict[int, Lexicon] = {}


def for_policies(policies) -> Lexicon:
    key = id(policies.catalogue)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = build(policies.catalogue)
    return _CACHE[key]
