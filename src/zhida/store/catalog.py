"""Reading documents back: listing, resolving a user's DOC argument, and the JSON of a version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.store.ingest import EXTRACTION_FIELDS
from zhida.store.database import Store
from zhida.store.schema import ClauseRow, Document, DocumentVersion


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve(session: Session, ref: str) -> Document:
    """DOC as the user typed it: the exact key, a unique key prefix, or the 文号 of a current version."""
    exact = session.scalars(select(Document).where(Document.key == ref)).one_or_none()
    if exact is not None:
        return exact
    by_prefix = session.scalars(
        select(Document).where(Document.key.like(_like_escape(ref) + "%", escape="\\")).order_by(Document.key)
    ).all()
    if len(by_prefix) == 1:
        return by_prefix[0]
    if len(by_prefix) > 1:
        shown = ", ".join(doc.key for doc in by_prefix[:5]) + (" …" if len(by_prefix) > 5 else "")
        raise ZhidaError(ref, f"ambiguous document prefix, matches {len(by_prefix)}: {shown}")
    by_number = session.scalars(
        select(Document)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(DocumentVersion.version == Document.current_version, DocumentVersion.doc_number == ref)
    ).all()
    if len(by_number) == 1:
        return by_number[0]
    if len(by_number) > 1:
        raise ZhidaError(ref, "文号 shared by several documents: " + ", ".join(d.key for d in by_number))
    raise ZhidaError(ref, "no such document (by key, key prefix or 文号); see `zhida docs list`")


def _version(session: Session, document: Document, number: int | None) -> DocumentVersion:
    wanted = document.current_version if number is None else number
    version = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id, DocumentVersion.version == wanted)
    ).one_or_none()
    if version is None:
        known = ", ".join(str(v.version) for v in document.versions)
        raise ZhidaError(f"{document.key} --version {wanted}", f"no such version (versions: {known})")
    return version


def _tree(session: Session, version_id: int) -> dict[str, Any]:
    """preamble, clauses (nested) and closing of a version, rebuilt from its clause rows.

    Keys come in the order of ``zhida.documents.model.Clause`` so the JSON reads like ``to_jsonable``.
    """
    built: dict[str, dict] = {}
    tree: dict[str, Any] = {"preamble": None, "clauses": [], "closing": None}
    rows = session.scalars(select(ClauseRow).where(ClauseRow.version_id == version_id).order_by(ClauseRow.position))
    for row in rows:
        clause = {
            "id": row.clause_id,
            "labels": row.labels,
            "kind": row.kind,
            "text": row.text,
            "normalized": row.normalized if row.normalized is not None else row.text,
            "start": row.start,
            "end": row.end,
            "heading": row.heading,
            **{name: row.extraction.get(name, []) for name in EXTRACTION_FIELDS},
            "children": [],
        }
        built[row.clause_id] = clause
        if row.parent_id is not None:
            built[row.parent_id]["children"].append(clause)
        elif row.clause_id in ("preamble", "closing") and row.kind in ("preamble", "closing"):
            tree[row.clause_id] = clause
        else:
            tree["clauses"].append(clause)
    return tree


def list_documents(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        counts = dict(
            session.execute(
                select(DocumentVersion.document_id, func.count()).group_by(DocumentVersion.document_id)
            ).all()
        )
        rows = session.execute(
            select(Document, DocumentVersion)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.version == Document.current_version)
            .order_by(Document.key)
        ).all()
        return [
            {
                "key": document.key,
                "title": version.title,
                "doc_number": version.doc_number,
                "issuer": version.issuer,
                "version": version.version,
                "versions": counts.get(document.id, 0),
                "clauses": version.clause_count,
                "script": version.script,
                "source_name": version.source_name,
                "sha256": version.sha256,
                "ingested_at": version.ingested_at.isoformat(),
            }
            for document, version in rows
        ]


def show_document(store: Store, ref: str, version: int | None = None) -> dict[str, Any]:
    """The JSON form of one document version (see docs/documents-json.md)."""
    with store.sessions() as session:
        document = resolve(session, ref)
        row = _version(session, document, version)
        return {
            "key": document.key,
            "version": row.version,
            "current_version": document.current_version,
            "versions": [
                {
                    "version": v.version,
                    "sha256": v.sha256,
                    "source_name": v.source_name,
                    "ingested_at": v.ingested_at.isoformat(),
                }
                for v in document.versions
            ],
            "source": {
                "name": row.source_name,
                "format": row.source_format,
                "encoding": row.encoding,
                "script": row.script,
                "sha256": row.sha256,
            },
            "metadata": row.metadata_json,
            **_tree(session, row.id),
            "original": row.original,
        }
