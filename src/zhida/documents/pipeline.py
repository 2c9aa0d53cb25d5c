"""File → ParsedDocument: read → clean → structure → metadata → normalize → extract.

Every offset in the result (clauses, extracted items) points into
``ParsedDocument.original``; cleaning and script normalization only ever go through
offset maps.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from zhida.documents import cleaning, metadata, structure
from zhida.documents.extract import extract_clause
from zhida.documents.labels import find_label
from zhida.documents.model import Clause, ParsedDocument
from zhida.documents.readers import SourceText, read_source
from zhida.documents.script import detect_script, to_simplified
from zhida.documents.textmap import MappedText
from zhida.errors import IngestError

# fields of an extraction result that hold items with start/end offsets
EXTRACTED_FIELDS = ("responsible_units", "amounts", "percentages", "dates", "beneficiaries", "references")


def parse_file(path: str | Path) -> ParsedDocument:
    return parse_source(read_source(path))


def parse_text(text: str, name: str = "document.txt", format: str = "txt") -> ParsedDocument:
    if not text.strip():
        raise IngestError(name, "no text (whitespace only)")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_source(SourceText(text=text, format=format, encoding=None, sha256=digest, name=name))


def parse_source(source: SourceText) -> ParsedDocument:
    original = source.text
    cleaned = cleaning.clean(MappedText.identity(original))
    if not cleaned.paragraphs:
        raise IngestError(source.name, "no content left after removing page furniture")
    tree = structure.build(cleaned.paragraphs)
    meta = metadata.extract(
        [p.text for p in cleaned.paragraphs],
        cleaned.removed,
        tree.location,
        tree.closing.text if tree.closing else None,
    )
    script = detect_script("\n".join(p.text for p in cleaned.paragraphs))  # cleaned.text()'s text, unmapped
    year = _context_year(meta)
    clauses = [c for top in tree.clauses for c in top.walk()]
    for clause in [*clauses, tree.preamble, tree.closing]:
        if clause is not None:
            _normalize_and_extract(clause, tree.mapped[clause.id], original, script, year)
    return ParsedDocument(
        source_name=source.name,
        source_format=source.format,
        sha256=source.sha256,
        encoding=source.encoding,
        script=script,
        original=original,
        metadata=meta,
        clauses=tree.clauses,
        preamble=tree.preamble,
        closing=tree.closing,
        removed=cleaned.removed,
    )


def _context_year(meta) -> int | None:
    """The year that undated mentions ('6月底前') belong to: the document's own dates."""
    for day in (meta.written_on, meta.issued_on, meta.effective_on, meta.valid_until):
        if day is not None:
            return day.year
    return None


def _normalize_and_extract(clause: Clause, mapped: MappedText, original: str, script: str, year: int | None) -> None:
    if script == "simplified":
        normalized, to_original = clause.text, mapped  # the clause's own map: nothing rewritten
    else:
        normalized, to_clause = to_simplified(clause.text)
        to_original = mapped.remap(to_clause)  # normalized char → original offsets
    clause.normalized = normalized
    label = find_label(normalized) if clause.labels else None
    result = extract_clause(normalized, context_year=year, label_end=label.end if label else 0)
    for name in EXTRACTED_FIELDS:
        items = list(getattr(result, name, None) or [])
        for item in items:
            item.start, item.end = to_original.span(item.start, item.end)
            item.text = original[item.start : item.end]
            if hasattr(item, "sentence_start"):
                item.sentence_start, item.sentence_end = to_original.span(item.sentence_start, item.sentence_end)
        setattr(clause, name, items)
