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
from sqlalchemy import column as sql_column
from sqlalchemy import func, insert, select, update
from sqlalchemy import table as sql_table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhida.documents.model import ParsedDocument
from zhida.errors import IngestError, ZhidaError
from zhida.store import parallel, search_sync
from zhida.store.database import Store, json_dumps
from zhida.store.jsonable import jsonable
from zhida.store.schema import ClauseRow, Document, DocumentVersion

Status = Literal["new", "updated", "unchanged", "failed"]
SOURCE_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}  # picked up from directories
INDEX_EVERY = 200  # documents stored between search index catch-ups while ingesting many
EXTRACTION_FIELDS = ("responsible_units", "amounts", "percentages", "dates", "beneficiaries", "references")
JSON_COLUMNS = ("labels", "extraction")  # of the clauses table


@dataclass
class IngestResult:
    path: str
    key: str
    status: Status
    version: int | None = None
    clauses: int = 0
    error: str | None = None  # one line "where: reason" when failed
    drafts: int | None = None  # measures drafted with it (ingest_paths(draft=True))


def document_key(source_name: str) -> str:
    return Path(source_name).stem


@dataclass
class Prepared:
    """A parsed document as the store writes it (``prepare``): plain rows, the clauses' JSON already
    text — what a reading worker hands to the storing process (cheap to pickle, nothing left to
    convert there)."""

    source_name: str
    sha256: str
    version: dict  # document_versions columns but document_id, version, clause_count, ingested_at
    clauses: list[dict]  # clauses rows without version_id; labels and extraction as JSON text
    links: list[dict]  # document_links rows without version_id (zhida.lifecycle.stored)


def prepare(parsed: ParsedDocument) -> Prepared:
    from zhida.lifecycle import stored as document_links  # here: lifecycle reads the store's catalog
    from zhida.lifecycle.links import extract_links

    tree = {
        "preamble": jsonable(parsed.preamble),
        "clauses": jsonable(parsed.clauses),
        "closing": jsonable(parsed.closing),
    }
    rows = list(_clause_rows(tree))
    for row in rows:
        for name in JSON_COLUMNS:
            row[name] = json_dumps(row[name])
    version = {
        "sha256": parsed.sha256, "source_name": parsed.source_name, "source_format": parsed.source_format,
        "encoding": parsed.encoding, "script": parsed.script, "title": parsed.metadata.title,
        "doc_number": parsed.metadata.doc_number, "issuer": parsed.metadata.issuer, "original": parsed.original,
        "metadata_json": jsonable(parsed.metadata),
    }
    return Prepared(parsed.source_name, parsed.sha256, version, rows,
                    document_links.link_rows(extract_links(parsed)))


def ingest_document(
    store: Store, parsed: ParsedDocument | Prepared, key: str | None = None, *, update_index: bool = True,
    then: Callable[[Session, IngestResult], None] | None = None,
) -> IngestResult:
    """Store one parsed (or prepared) document in a single transaction; IngestError leaves nothing
    written.

    Then the search index catches up, unless ``update_index`` is False (a caller storing many
    documents does that once in a while: each index commit costs a few milliseconds); a search
    catches up anyway. ``then(session, result)`` runs in the same transaction after a new or
    changed version is written (its drafts, ``zhida ingest --draft``).
    """
    prepared = parsed if isinstance(parsed, Prepared) else prepare(parsed)
    key = key or document_key(prepared.source_name)
    try:
        with store.transaction() as session:
            result = _write(session, prepared, key)
            if then is not None and result.status != "unchanged":
                then(session, result)
    except IntegrityError as exc:
        raise IngestError(prepared.source_name, f"store rejected the document ({_constraint_reason(exc)})") from exc
    if update_index and result.status != "unchanged":
        search_sync.catch_up(store)
    return result


def _write(session: Session, prepared: Prepared, key: str) -> IngestResult:
    """Core statements, not the ORM: a document is a handful of inserts, written thousands of times."""
    from zhida.lifecycle import stored as document_links

    connection = session.connection()
    documents, versions = Document.__table__, DocumentVersion.__table__
    document = connection.execute(
        select(documents.c.id, documents.c.current_version).where(documents.c.key == key).with_for_update()
    ).one_or_none()
    now = datetime.now(timezone.utc)
    previous: int | None = None
    if document is None:
        document_id = connection.execute(
            insert(documents).values(key=key, current_version=1, created_at=now)).inserted_primary_key[0]
        number, status = 1, "new"
    else:
        document_id = document.id
        current = connection.execute(
            select(versions.c.id, versions.c.sha256, versions.c.clause_count).where(
                versions.c.document_id == document_id, versions.c.version == document.current_version)
        ).one()
        if current.sha256 == prepared.sha256:
            return IngestResult(prepared.source_name, key, "unchanged", document.current_version, current.clause_count)
        previous = current.id
        number = connection.execute(select(func.max(versions.c.version))
                                    .where(versions.c.document_id == document_id)).scalar_one() + 1
        status = "updated"
    version_id = connection.execute(insert(versions).values(
        document_id=document_id, version=number, clause_count=len(prepared.clauses), ingested_at=now,
        **prepared.version)).inserted_primary_key[0]
    if prepared.clauses:
        _insert_clauses(session, [{**row, "version_id": version_id} for row in prepared.clauses])
    document_links.insert_rows(session, version_id, prepared.links)
    search_sync.record(session, added=version_id, removed=previous)
    if status == "updated":
        connection.execute(update(documents).where(documents.c.id == document_id).values(current_version=number))
    return IngestResult(prepared.source_name, key, status, number, len(prepared.clauses))


def _insert_clauses(session: Session, rows: list[dict]) -> None:
    """Rows whose JSON columns are already text (``prepare``)."""
    connection = session.connection()
    names = list(rows[0])
    if connection.dialect.name != "postgresql":
        # untyped columns: the JSON text goes in as it is (what the JSON type would have written)
        plain = sql_table(ClauseRow.__tablename__, *(sql_column(name) for name in names))
        connection.execute(insert(plain), rows)  # executemany of one prepared statement
        return
    # COPY: one stream instead of a statement per clause (~3x faster on PostgreSQL).
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {ClauseRow.__tablename__} ({', '.join(map(quote, names))}) FROM STDIN"
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
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


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    parse: Callable[[Path], ParsedDocument] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    workers: int | None = None,
    draft: bool = False,
    cpu: dict | None = None,
) -> list[IngestResult]:
    """Parse and store every file; a bad file is reported as 'failed' and does not stop the rest.

    Without ``parse`` the files are read by the reading pipeline in ``workers`` processes (default:
    every core when there are many files, ``zhida.store.parallel``); storing is here, one
    transaction per document. ``draft``: the measures of each new or changed version are drafted
    (by the reading workers) and stored in its transaction (``zhida.drafting``). ``cpu``: CPU seconds
    of reading and drafting, added up wherever they ran (``parallel.parsed``)."""
    results = []
    files = expand_paths(paths)
    now = datetime.now(timezone.utc)
    for number, (path, parsed, drafted) in enumerate(parallel.parsed(files, parse, workers, draft, cpu), start=1):
        key = document_key(path.name)

        def with_drafts(session: Session, result: IngestResult, rows=drafted) -> None:
            from zhida.drafting import drafts

            result.drafts = drafts.store(session, result.key, result.version, rows, now, actor="cli:ingest")

        try:
            if isinstance(parsed, ZhidaError):
                raise parsed
            result = ingest_document(store, parsed, key, update_index=False,
                                     then=with_drafts if drafted is not None else None)
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
