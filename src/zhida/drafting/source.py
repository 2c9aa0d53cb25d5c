"""What drafting reads of one document: text, metadata and clauses with the extraction the
reading pipeline stored (amounts, percentages, dates, units, beneficiaries) — built from a freshly
parsed document or from the store's rows, so drafts are the same in tests, benchmarks and the
running service. Extraction items stay plain JSON dicts (``zhida.documents.model.to_jsonable``):
the stored form and the parsed form are then one shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from zhida.documents.model import to_jsonable

EXTRACTED = ("responsible_units", "amounts", "percentages", "dates", "beneficiaries", "references")


@dataclass(frozen=True)
class ClauseText:
    id: str
    labels: tuple[str, ...]
    kind: str
    heading: str | None
    text: str  # original script, furniture removed
    start: int  # offsets into the document's original
    end: int
    leaf: bool
    extraction: dict = field(default_factory=dict)  # name → list of JSON items (offsets into original)


@dataclass
class DocText:
    key: str
    version: int
    title: str | None
    doc_number: str | None
    issuer: str | None
    original: str
    metadata: dict  # DocumentMetadata as JSON (dates ISO)
    clauses: list[ClauseText]  # numbered tree in document order, then preamble/closing (leaf=False)
    script: str = "mixed"  # simplified | traditional | mixed (simplified text needs no conversion)

    def day(self, name: str) -> date | None:
        value = self.metadata.get(name)
        return date.fromisoformat(value) if value else None

    def clause(self, clause_id: str) -> ClauseText:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)


def from_parsed(key: str, parsed, version: int = 0) -> DocText:
    """A ``zhida.documents.model.ParsedDocument``."""
    meta = to_jsonable(parsed.metadata)
    clauses = []
    for c in parsed.walk():
        clauses.append(ClauseText(c.id, tuple(c.labels), c.kind, c.heading, c.text, c.start, c.end, c.is_leaf,
                                  {name: to_jsonable(getattr(c, name)) for name in EXTRACTED}))
    for extra in (parsed.preamble, parsed.closing):
        if extra is not None:
            clauses.append(ClauseText(extra.id, tuple(extra.labels), extra.kind, extra.heading, extra.text,
                                      extra.start, extra.end, False,
                                      {name: to_jsonable(getattr(extra, name)) for name in EXTRACTED}))
    return DocText(key, version, meta.get("title"), meta.get("doc_number"), meta.get("issuer"), parsed.original,
                   meta, clauses, parsed.script)


def from_store(session, key: str, version: int | None = None) -> DocText:
    """The current (or a given) version of a stored document (``zhida.store.schema``)."""
    from sqlalchemy import select

    from zhida.errors import ZhidaError
    from zhida.store.schema import ClauseRow, Document, DocumentVersion

    document = session.scalar(select(Document).where(Document.key == key))
    if document is None:
        raise ZhidaError("document", f"文件 {key} 不存在")
    number = version or document.current_version
    row = session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                                       DocumentVersion.version == number))
    if row is None:
        raise ZhidaError("version", f"文件 {key} 没有第 {number} 版")
    rows = list(session.scalars(select(ClauseRow).where(ClauseRow.version_id == row.id).order_by(ClauseRow.position)))
    parents = {r.parent_id for r in rows if r.parent_id}
    numbered, extras = [], []
    for r in rows:
        target = extras if r.kind in ("preamble", "closing") else numbered
        target.append(ClauseText(r.clause_id, tuple(r.labels or ()), r.kind, r.heading, r.text, r.start, r.end,
                                 r.kind not in ("preamble", "closing") and r.clause_id not in parents,
                                 dict(r.extraction or {})))
    meta = dict(row.metadata_json or {})
    return DocText(key, number, row.title, row.doc_number, row.issuer or meta.get("issuer"), row.original, meta,
                   numbered + extras, row.script)


def current_keys(session) -> list[tuple[str, int]]:
    """(key, current version) of every stored document, in key order."""
    from sqlalchemy import select

    from zhida.store.schema import Document

    return [(k, v) for k, v in session.execute(select(Document.key, Document.current_version).order_by(Document.key))]


def resolve_key(session, key: str) -> str:
    """A stored document's key from the key or a unique prefix of it (003 → 003_4b22…)."""
    from zhida.errors import ZhidaError

    keys = [k for k, _ in current_keys(session)]
    if key in keys:
        return key
    found = [k for k in keys if k.startswith(key)]
    if len(found) == 1:
        return found[0]
    raise ZhidaError("document", f"文件 {key} 不存在" if not found else f"文件 {key} 不唯一：{'、'.join(found[:5])}")
