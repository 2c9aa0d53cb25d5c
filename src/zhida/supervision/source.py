"""What task drafting reads of one document: its text, clauses (with offsets into the original)
and responsible-unit lists, built from a freshly parsed document or from the stored rows, so
drafting sees the same thing in tests, benchmarks and the running service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class UnitList:
    text: str  # the bracket as written, e.g. （责任单位：市工信局、市发改委会同市直有关单位）
    units: tuple[str, ...]  # simplified names, as split by zhida.documents.extract.units
    start: int  # offsets into the document's original text
    end: int
    sentence_start: int  # the text the list is attached to
    sentence_end: int


@dataclass(frozen=True)
class ClauseIn:
    id: str
    labels: tuple[str, ...]
    heading: str | None
    text: str  # original script, furniture removed
    start: int
    end: int
    leaf: bool
    lists: tuple[UnitList, ...] = ()


@dataclass
class DocumentIn:
    key: str
    title: str | None
    doc_number: str | None
    original: str
    year: int | None  # the year undated mentions (年内, 上半年) belong to
    valid_until: date | None
    clauses: list[ClauseIn] = field(default_factory=list)

    def section_of(self, clause_id: str) -> tuple[str, str]:
        """(top-level id, its heading or label) — the section a task is counted under."""
        top = clause_id.split(".")[0]
        for clause in self.clauses:
            if clause.id == top:
                return top, clause.heading or "".join(clause.labels) or top
        return top, top


def _year(*days: date | None) -> int | None:
    for day in days:
        if day is not None:
            return day.year
    return None


def from_parsed(key: str, parsed) -> DocumentIn:
    """A ``zhida.documents.model.ParsedDocument``."""
    meta = parsed.metadata
    clauses = []
    for clause in parsed.walk():
        lists = tuple(UnitList(u.text, tuple(u.units), u.start, u.end, u.sentence_start, u.sentence_end)
                      for u in clause.responsible_units)
        clauses.append(ClauseIn(clause.id, tuple(clause.labels), clause.heading, clause.text, clause.start,
                                clause.end, clause.is_leaf, lists))
    return DocumentIn(key, meta.title, meta.doc_number, parsed.original,
                      _year(meta.written_on, meta.issued_on, meta.effective_on, meta.valid_until),
                      meta.valid_until, clauses)


def from_store(session, key: str) -> DocumentIn:
    """The current version of a stored document (``zhida.store.schema``)."""
    from sqlalchemy import select

    from zhida.errors import ZhidaError
    from zhida.store.schema import ClauseRow, Document, DocumentVersion

    document = session.scalar(select(Document).where(Document.key == key))
    if document is None:
        raise ZhidaError("document", f"文件 {key} 不存在")
    version = session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                                           DocumentVersion.version == document.current_version))
    meta = version.metadata_json or {}

    def day(name: str) -> date | None:
        value = meta.get(name)
        return date.fromisoformat(value) if value else None

    rows = list(session.scalars(select(ClauseRow).where(ClauseRow.version_id == version.id)
                                .order_by(ClauseRow.position)))
    parents = {row.parent_id for row in rows if row.parent_id}
    clauses = []
    for row in rows:
        if row.kind in ("preamble", "closing"):
            continue
        lists = tuple(UnitList(u["text"], tuple(u["units"]), u["start"], u["end"], u["sentence_start"],
                               u["sentence_end"]) for u in (row.extraction or {}).get("responsible_units") or [])
        clauses.append(ClauseIn(row.clause_id, tuple(row.labels or ()), row.heading, row.text, row.start, row.end,
                                row.clause_id not in parents, lists))
    return DocumentIn(key, version.title, version.doc_number, version.original,
                      _year(day("written_on"), day("issued_on"), day("effective_on"), day("valid_until")),
                      day("valid_until"), clauses)
