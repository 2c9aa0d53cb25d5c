"""Putting parsed documents into the store: one transaction per document, versions kept.

Same bytes as the current version → 'unchanged' (nothing written). Different bytes → a new
version of the same document. The same transaction logs the switch for the search index
(``search_sync.record``); the index itself is brought up to date after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import psycopg
from sqlalchemy import JSON, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhida.documents.model import ParsedDocument
from zhida.errors import IngestError, ZhidaError
from zhida.store import search_sync
from zhida.store.database import Store, json_dumps
from zhida.store.jsonable import jsonable
from zhida.store.schema import ClauseRow, Document, DocumentVersion

Status = Literal["new", "updated", "unchanged", "failed"]
SOURCE_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}  # picked up from directories
INDEX_EVERY = 200  # documents stored between search index catch-ups while ingesting many
EXTRACTION_FIELDS = ("responsible_units", "amounts", "percentages", "dates", "beneficiaries", "references")


@dataclass
class IngestResult:
    path: str
    key: str
    status: Status
    version: int | None = None
    clauses: int = 0
    error: str | None = None  # one line "where: reason" when failed


def document_key(source_name: str) -> str:
    return Path(source_name).stem


def ingest_document(
    store: Store, parsed: ParsedDocument, key: str | None = None, *, update_index: bool = True
) -> IngestResult:
    """Store one parsed document in a single transaction; IngestError leaves nothing written.

    Then the search index catches up, unless ``update_index`` is False (a caller storing many
    documents does that once in a while: each index commit costs a few milliseconds); a search
    catches up anyway.
    """
    key = key or document_key(parsed.source_name)
    try:
        with store.transaction() as session:
            result = _write(session, parsed, key)
    except IntegrityError as exc:
        raise IngestError(parsed.source_name, f"store rejected the document ({_constraint_reason(exc)})") from exc
    if update_index and result.status != "unchanged":
        search_sync.catch_up(store)
    return result


def _write(session: Session, parsed: ParsedDocument, key: str) -> IngestResult:
    document = session.scalars(select(Document).where(Document.key == key).with_for_update()).one_or_none()
    now = datetime.now(timezone.utc)
    previous: DocumentVersion | None = None
    if document is None:
        document = Document(key=key, current_version=1, created_at=now)
        session.add(document)
        session.flush()
        number, status = 1, "new"
    else:
        previous = session.scalars(
            select(DocumentVersion).where(
                DocumentVersion.document_id == document.id, DocumentVersion.version == document.current_version
            )
        ).one()
        if previous.sha256 == parsed.sha256:
            return IngestResult(parsed.source_name, key, "unchanged", previous.version, previous.clause_count)
        number = session.scalar(
            select(DocumentVersion.version)
            .where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.version.desc())
            .limit(1)
        ) + 1
        status = "updated"

    tree = {
        "preamble": jsonable(parsed.preamble),
        "clauses": jsonable(parsed.clauses),
        "closing": jsonable(parsed.closing),
    }
    rows = list(_clause_rows(tree))
    version = DocumentVersion(
        document_id=document.id,
        version=number,
        sha256=parsed.sha256,
        source_name=parsed.source_name,
        source_format=parsed.source_format,
        encoding=parsed.encoding,
        script=parsed.script,
        title=parsed.metadata.title,
        doc_number=parsed.metadata.doc_number,
        issuer=parsed.metadata.issuer,
        original=parsed.original,
        metadata_json=jsonable(parsed.metadata),
        clause_count=len(rows),
        ingested_at=now,
    )
    session.add(version)
    session.flush()

    if rows:
        for row in rows:
            row["version_id"] = version.id
        _insert_clauses(session, rows)
    from zhida.lifecycle import stored as document_links  # here: lifecycle reads the store's catalog

    document_links.record(session, version.id, parsed)
    search_sync.record(session, added=version.id, removed=previous.id if previous else None)
    document.current_version = number
    return IngestResult(parsed.source_name, key, status, number, len(rows))


def _insert_clauses(session: Session, rows: list[dict]) -> None:
    table = ClauseRow.__table__
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)  # executemany of one prepared statement
        return
    # COPY: one stream instead of a statement per clause (~3x faster on PostgreSQL).
    names = list(rows[0])
    quote = connection.dialect.identifier_preparer.quote
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    statement = f"COPY {table.name} ({', '.join(map(quote, names))}) FROM STDIN"
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([json_dumps(row[name]) if name in as_json else row[name] for name in names])
    except psycopg.IntegrityError as exc:  # raw driver call: wrap as SQLAlchemy would
        raise IntegrityError(statement, None, exc) from exc


def _clause_rows(tree: dict) -> Iterator[dict]:
    """Flatten preamble, numbered tree and closing (already JSON) into rows, in document order."""
    position = 0

    def visit(clause: dict, parent: dict | None, depth: int, units: list[str], beneficiaries: list[str]):
        nonlocal position
        # Responsibility and target groups stated on a measure apply to its sub-items too.
        own_units = [unit for group in clause["responsible_units"] for unit in group["units"]]
        own_beneficiaries = [b[name] for b in clause["beneficiaries"] for name in ("label", "type", "text")]
        units = _unique(own_units + units)
        beneficiaries = _unique(own_beneficiaries + beneficiaries)
        row = {
            "clause_id": clause["id"],
            "parent_id": parent["id"] if parent else None,
            "position": position,
            "depth": depth,
            "labels": clause["labels"],
            "kind": clause["kind"],
            "heading": clause["heading"],
            "text": clause["text"],
            # Stored only when it differs from text: most sources are simplified already.
            "normalized": clause["normalized"] if clause["normalized"] not in (None, clause["text"]) else None,
            "start": clause["start"],
            "end": clause["end"],
            "extraction": {name: clause[name] for name in EXTRACTION_FIELDS},
            "units": _bar_list(units),
            "beneficiaries": _bar_list(beneficiaries),
        }
        position += 1
        yield row
        for child in clause["children"]:
            yield from visit(child, clause, depth + 1, units, beneficiaries)

    for top in [tree["preamble"], *tree["clauses"], tree["closing"]]:
        if top is not None:
            yield from visit(top, None, 0, [], [])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _bar_list(items: list[str]) -> str:
    # "|a|b|": a LIKE '%a%' filter finds a unit by any part of its name.
    return "|" + "|".join(items) + "|" if items else ""


def _constraint_reason(exc: IntegrityError) -> str:
    message = str(exc.orig).strip().splitlines()[0]
    if "uq_clauses_version_clause" in message or "clauses.version_id, clauses.clause_id" in message:
        return "two clauses share one clause id; " + message
    return message


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and from directories every supported source file (sorted, no hidden files)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def _parse_one(parse: Callable[[Path], ParsedDocument], path: Path) -> ParsedDocument:
    if not path.exists():
        raise IngestError(str(path), "no such file or directory")
    try:
        return parse(path)
    except ZhidaError:
        raise
    except Exception as exc:  # a reader bug on one file must not stop a batch of thousands
        first = (str(exc).strip().splitlines() or [""])[0]
        raise IngestError(str(path), f"internal error while reading ({type(exc).__name__}: {first})") from exc


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    parse: Callable[[Path], ParsedDocument] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Parse and store every file; a bad file is reported as 'failed' and does not stop the rest."""
    if parse is None:
        from zhida.documents.pipeline import parse_file as parse
    results = []
    for number, path in enumerate(expand_paths(paths), start=1):
        key = document_key(path.name)
        try:
            result = ingest_document(store, _parse_one(parse, path), key, update_index=False)
            result.path = str(path)
        except ZhidaError as exc:
            # One line that names the file, whatever part of it the error points at.
            line = str(exc) if path.name in exc.where else f"{path}: {exc}"
            result = IngestResult(str(path), key, "failed", error=line)
        results.append(result)
        if on_result:
            on_result(result)
        if number % INDEX_EVERY == 0:  # searches elsewhere see the documents stored so far
            search_sync.catch_up(store)
    # Waits for a writer elsewhere (a search catching up), so the index is complete on return.
    search_sync.catch_up(store, wait=60)
    return results
