"""Source documents as the rules see them: clause texts by (document key, clause id).

Uses ``zhida.documents.pipeline.parse_file`` (cached per file and mtime). If the reading
pipeline is not importable, falls back to the whole document text: quotes are then checked
against the document, and clause ids cannot be checked (``clause_ids`` is None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zhida.errors import RuleError

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Whitespace-free form used to match quotes (line breaks and spaces in sources vary)."""
    return _SPACE.sub("", text)


@dataclass
class SourceDocument:
    key: str
    path: Path
    original: str
    parsed: object | None  # ParsedDocument when the pipeline is available
    clause_texts: dict[str, str] | None  # id → text; None without the pipeline
    leaf_ids: list[str] | None
    doc_number: str | None = None

    def clause_text(self, clause_id: str, where: str) -> str:
        if self.clause_texts is None:
            return self.original
        text = self.clause_texts.get(str(clause_id))
        if text is None:
            raise RuleError(where, f"document {self.key} has no clause {clause_id!r}")
        return text


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> SourceDocument:
    p = Path(path)
    try:
        from zhida.documents.pipeline import parse_file  # written by the documents helper
    except ImportError:
        parse_file = None
    if parse_file is None:
        original = p.read_text(encoding="utf-8", errors="replace")
        return SourceDocument(p.stem, p, original, None, None, None)
    doc = parse_file(p)
    texts: dict[str, str] = {}
    leaves: list[str] = []
    for clause in doc.walk():
        texts[clause.id] = clause.text
        if clause.is_leaf:
            leaves.append(clause.id)
    for extra in (doc.preamble, doc.closing):
        if extra is not None:
            texts[extra.id] = extra.text
    number = getattr(doc.metadata, "doc_number", None)
    return SourceDocument(p.stem, p, doc.original, doc, texts, leaves, number)


class SourceLibrary:
    """The source documents of a policies directory, addressed by key or unique prefix."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.paths = {p.stem: p for p in sorted(directory.glob("*")) if p.is_file() and not p.name.startswith(".")}

    def resolve(self, key: str, where: str) -> str:
        key = str(key)
        if key in self.paths:
            return key
        found = [k for k in self.paths if k.startswith(key)]
        if len(found) == 1:
            return found[0]
        raise RuleError(where, f"unknown document {key!r}" if not found else f"ambiguous document prefix {key!r}")

    def get(self, key: str, where: str = "document") -> SourceDocument:
        path = self.paths[self.resolve(key, where)]
        return _load(str(path), path.stat().st_mtime)

    def keys(self) -> list[str]:
        return list(self.paths)
