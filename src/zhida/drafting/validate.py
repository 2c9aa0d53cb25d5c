"""A draft (or an edit of a published rule) checked by the loader itself — the same code that
loads policies/measures — against the text of its document, which may live only in the store.

The format requires ``beneficiary`` and ``jurisdiction``; when the text does not give them the
draft leaves them out and they are listed as open (待补). To still run every other check, the
check fills them with a stand-in and reports the open field apart: an open field is never a
silent value, and publishing refuses a measure with one."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from zhida.drafting.source import DocText
from zhida.errors import RuleError
from zhida.rules import model as m
from zhida.rules.loader import load_measure_mapping
from zhida.rules.sources import SourceDocument

# required fields a draft may leave open → the stand-in used only to check the rest
STAND_INS = {"beneficiary": "enterprise", "jurisdiction": ["110000"], "title": "待补"}


def source_document(doc: DocText) -> SourceDocument:
    texts = {c.id: c.text for c in doc.clauses}
    leaves = [c.id for c in doc.clauses if c.leaf]
    children: dict[str, list[str]] = {}
    for c in doc.clauses:
        if c.kind in ("preamble", "closing"):
            continue
        parts = c.id.split(".")
        for n in range(1, len(parts) + 1):
            children.setdefault(".".join(parts[:n]), [])
        if c.leaf:
            for n in range(1, len(parts) + 1):
                children[".".join(parts[:n])].append(c.id)
    return SourceDocument(doc.key, Path(f"{doc.key}.txt"), doc.original, True, texts, leaves, doc.doc_number,
                          children, doc.title, {c.id: list(c.labels) for c in doc.clauses})


class Library:
    """The policies' source library plus documents read from the store (same interface)."""

    def __init__(self, base, extra: dict[str, SourceDocument]):
        self.base, self.extra = base, extra
        self.directory = getattr(base, "directory", None)

    def resolve(self, key: str, where: str) -> str:
        key = str(key)
        if key in self.extra:
            return key
        return self.base.resolve(key, where)

    def get(self, key: str, where: str = "document") -> SourceDocument:
        key = str(key)
        if key in self.extra:
            return self.extra[key]
        return self.base.get(key, where)

    def keys(self) -> list[str]:
        return list(dict.fromkeys([*self.base.keys(), *self.extra]))


def with_document(policies, doc: DocText | None, replacing: set[str] = frozenset()):
    """``policies`` whose library also serves ``doc`` and without the measures in ``replacing``
    (an edit of a measure is checked as that measure, not as a duplicate of it)."""
    extra = {}
    if doc is not None and doc.key not in _base_keys(policies):
        extra[doc.key] = source_document(doc)
    library = Library(policies.library, extra) if extra else policies.library
    measures = {k: v for k, v in policies.measures.items() if k not in replacing}
    return dataclasses.replace(policies, library=library, measures=measures, errors=[], not_encoded=[],
                               measure_files=[])


def _base_keys(policies) -> set[str]:
    return set(policies.library.keys())


@dataclass
class Checked:
    measure: m.Measure | None
    errors: list[RuleError] = field(default_factory=list)
    open_fields: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.measure is not None and not self.errors

    @property
    def publishable(self) -> bool:
        return self.ok and not self.open_fields


def check(policies, document: str, mapping: dict, doc: DocText | None = None) -> Checked:
    """Load one measure (a mapping of docs/measures.md) as if it stood in ``<document>.yaml``."""
    raw = dict(mapping)
    open_fields = [name for name in STAND_INS if raw.get(name) in (None, "", [])]
    for name in open_fields:
        raw[name] = STAND_INS[name]
    scoped = with_document(policies, doc, {str(mapping.get("id"))})
    try:
        measures, _ = load_measure_mapping({"document": document, "measures": [raw]}, Path(f"{document}.yaml"), scoped)
    except RuleError as exc:
        return Checked(None, [exc], open_fields)
    return Checked(measures[0], [], open_fields)
