"""Source documents as the rules see them: clause texts by (document key, clause id).

Uses ``zhida.documents.pipeline.parse_file`` (cached per file and mtime). If the reading
pipeline is not importable, falls back to the whole document text: quotes are then checked
against the document, and clause ids cannot be checked (``clause_ids`` is None).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
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
    pipeline: bool  # clause structure from zhida.documents.pipeline (else whole text only)
    clause_texts: dict[str, str] | None  # id → text; None without the pipeline
    leaf_ids: list[str] | None
    doc_number: str | None = None
    leaves_under: dict[str, list[str]] = field(default_factory=dict)  # clause id → its leaf ids
    title: str | None = None  # as printed (original script)
    labels: dict[str, list[str]] = field(default_factory=dict)  # clause id → its label path, e.g. ["三", "（七）"]
    links: list[dict] = field(default_factory=list)  # zhida.lifecycle.links: what it does to other documents

    def clause_text(self, clause_id: str, where: str) -> str:
        if self.clause_texts is None:
            return self.original
        text = self.clause_texts.get(str(clause_id))
        if text is None:
            raise RuleError(where, f"document {self.key} has no clause {clause_id!r}")
        return text


def _pipeline_version() -> str:
    """Hash of the reading pipeline's code: a cached parse is reused only by the same code."""
    import importlib.util

    spec = importlib.util.find_spec("zhida.documents.pipeline")  # located, not imported
    digest = hashlib.sha256()
    for path in sorted(Path(spec.origin).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CACHE_FORMAT = 3  # the fields written; a new field (title, labels, links) needs a fresh parse


def _cache_path(p: Path) -> Path | None:
    try:
        from zhida import config

        key = hashlib.sha256(p.read_bytes()).hexdigest()[:24]
        return config.home() / "cache" / "rules-sources" / f"{p.stem}-{key}-{_pipeline_version()}-{CACHE_FORMAT}.json"
    except OSError:
        return None


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> SourceDocument:
    import importlib.util

    p = Path(path)
    if importlib.util.find_spec("zhida.documents.pipeline") is None:
        original = p.read_text(encoding="utf-8", errors="replace")
        return SourceDocument(p.stem, p, original, False, None, None)
    cache = _cache_path(p)
    if cache is not None and cache.is_file():  # the pipeline's regexes are not even compiled
        data = json.loads(cache.read_text(encoding="utf-8"))
        return SourceDocument(**{**data, "path": p})
    from zhida.documents.pipeline import parse_file
    doc = parse_file(p)
    texts: dict[str, str] = {}
    leaves: list[str] = []
    under: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for clause in doc.walk():
        texts[clause.id] = clause.text
        labels[clause.id] = list(clause.labels)
        under[clause.id] = [c.id for c in clause.walk() if c.is_leaf]
        if clause.is_leaf:
            leaves.append(clause.id)
    for extra in (doc.preamble, doc.closing):
        if extra is not None:
            texts[extra.id] = extra.text
    number = getattr(doc.metadata, "doc_number", None)
    result = SourceDocument(p.stem, p, doc.original, True, texts, leaves, number, under,
                            getattr(doc.metadata, "title", None), labels, _links(doc))
    if cache is not None:  # write-then-rename: a reader never sees half a file
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({k: v for k, v in asdict(result).items() if k != "path"}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(cache)
    return result


def _links(doc) -> list[dict]:
    from zhida.lifecycle.links import extract_links

    return [{"kind": link.kind, "target_title": link.target_title, "target_number": link.target_number,
             "quote": link.quote, "start": link.start, "end": link.end, "clause_id": link.clause_id,
             "on": link.on.isoformat() if link.on else None, "basis": link.basis} for link in extract_links(doc)]


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
