"""Links of stored documents: written at ingest, read as one document's graph (its links out and in).

A link names its target by 文号 or title; it is resolved when read, against the documents stored
then, so a target ingested after the linking document is found without rewriting anything.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from zhida.documents.model import ParsedDocument
from zhida.lifecycle.links import KIND_ZH, ClauseText, Link, extract_links, links_in, own_effective
from zhida.lifecycle.tables import DocumentLink
from zhida.lifecycle.validity import number_key, title_key
from zhida.store.catalog import resolve
from zhida.store.database import Store
from zhida.store.schema import ClauseRow, Document, DocumentVersion


def record(session: Session, version_id: int, parsed: ParsedDocument) -> int:
    """Store the version's links in the caller's (the ingest's) transaction."""
    return insert_rows(session, version_id, link_rows(extract_links(parsed)))


def link_rows(links: list[Link]) -> list[dict]:
    """The document_links rows of ``links``, without their version (read before storing: at ingest
    by the reading workers, ``zhida.store.ingest.prepare``)."""
    return [{"kind": link.kind, "target_number": link.target_number, "target_title": link.target_title,
             "number_key": number_key(link.target_number), "title_key": title_key(link.target_title),
             "quote": link.quote, "start": link.start, "end": link.end, "clause_id": link.clause_id,
             "on": link.on, "basis": link.basis} for link in links]


def insert_rows(session: Session, version_id: int, rows: list[dict]) -> int:
    if rows:
        session.execute(insert(DocumentLink.__table__), [{**row, "version_id": version_id} for row in rows])
    return len(rows)


def _insert(session: Session, version_id: int, links: list[Link]) -> int:
    return insert_rows(session, version_id, link_rows(links))


def relink(store: Store) -> int:
    """Re-read the links of every current version from its stored clauses (versions stored before
    links were kept, or after the link reader changed). Returns the number of links stored."""
    total = 0
    with store.transaction() as session:
        versions = session.scalars(select(DocumentVersion).join(Document, Document.id == DocumentVersion.document_id)
                                   .where(DocumentVersion.version == Document.current_version)).all()
        for version in versions:
            session.execute(delete(DocumentLink).where(DocumentLink.version_id == version.id))
            total += _insert(session, version.id, _links_of_stored(session, version))
    return total


def _links_of_stored(session: Session, version: DocumentVersion) -> list[Link]:
    rows = session.scalars(select(ClauseRow).where(ClauseRow.version_id == version.id)
                           .order_by(ClauseRow.position)).all()
    clauses = [ClauseText(r.clause_id, r.text, r.normalized, r.start) for r in rows]
    md = version.metadata_json or {}
    return links_in(clauses, version.original, own_effective(_date(md.get("effective_on")), _date(md.get("issued_on"))))


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def graph(store: Store, ref: str) -> dict[str, Any]:
    """One document's links: ``outgoing`` (what it does to others) and ``incoming`` (what others do
    to it), each with the other document's key where it is stored, the sentence and the date."""
    with store.sessions() as session:
        document = resolve(session, ref)
        version = _current(session, document)
        outgoing = []
        for link in session.scalars(select(DocumentLink).where(DocumentLink.version_id == version.id)
                                    .order_by(DocumentLink.start, DocumentLink.id)):
            target = _find(session, link.number_key, link.title_key, exclude=document.id)
            outgoing.append(_view(link, target, link.target_title or link.target_number))
        keys = [k for k in (number_key(version.doc_number), title_key(version.title)) if k]
        incoming = []
        if keys:
            rows = session.execute(
                select(DocumentLink, Document.key, DocumentVersion.title)
                .join(DocumentVersion, DocumentVersion.id == DocumentLink.version_id)
                .join(Document, Document.id == DocumentVersion.document_id)
                .where(DocumentVersion.version == Document.current_version, Document.id != document.id,
                       or_(DocumentLink.number_key.in_(keys), DocumentLink.title_key.in_(keys)))
                .order_by(Document.key, DocumentLink.start)).all()
            incoming = [_view(link, key, title or key) for link, key, title in rows]
        return {"key": document.key, "title": version.title, "doc_number": version.doc_number,
                "outgoing": outgoing, "incoming": incoming}


def _current(session: Session, document: Document) -> DocumentVersion:
    return session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                                         DocumentVersion.version == document.current_version)).one()


def _find(session: Session, number: str | None, title: str | None, exclude: int) -> str | None:
    """The stored document a link names: by 文号, else by title (a 关于印发《X》的通知 names X)."""
    current = (select(Document.key, DocumentVersion.doc_number, DocumentVersion.title)
               .join(DocumentVersion, DocumentVersion.document_id == Document.id)
               .where(DocumentVersion.version == Document.current_version, Document.id != exclude))
    year = re.search(r"(?:19|20)[0-9]{2}", number or "")
    if number and year:  # narrowed by the year (brackets vary between copies), compared exactly after
        for key, doc_number, _ in session.execute(current.where(DocumentVersion.doc_number.like(f"%{year.group(0)}%"))):
            if number_key(doc_number) == number:
                return key
    if title:
        for key, _, doc_title in session.execute(current.where(DocumentVersion.title.like(f"%{title[:8]}%"))):
            if title_key(doc_title) == title:
                return key
    return None


def _view(link: DocumentLink, other_key: str | None, other_name: str | None) -> dict[str, Any]:
    return {"kind": link.kind, "kind_zh": KIND_ZH[link.kind], "other": other_key, "name": other_name,
            "target_number": link.target_number, "target_title": link.target_title, "quote": link.quote,
            "clause_id": link.clause_id, "on": link.on.isoformat() if link.on else None, "basis": link.basis,
            "start": link.start, "end": link.end}


def version_diff(store: Store, ref: str, old: int | None = None, new: int | None = None, measures=()):
    """The clause changes from version ``old`` (default: the one before ``new``) to ``new``
    (default: the current one), with the reviewed measures to look at again."""
    from zhida.errors import ZhidaError
    from zhida.lifecycle.diff import VersionDiff, compare_clauses, reviews_for

    with store.sessions() as session:
        document = resolve(session, ref)
        new = new or document.current_version
        old = old or max(1, new - 1)  # a single version is compared with itself: nothing changed
        texts = {}
        for number in (old, new):
            version = session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                                                    DocumentVersion.version == number)).one_or_none()
            if version is None:
                known = ", ".join(str(v.version) for v in document.versions)
                raise ZhidaError(f"{document.key} version {number}", f"no such version (versions: {known})")
            texts[number] = [(r.clause_id, r.text) for r in session.scalars(
                select(ClauseRow).where(ClauseRow.version_id == version.id).order_by(ClauseRow.position))]
        key = document.key
    changes, unchanged = compare_clauses(texts[old], texts[new])
    return VersionDiff(key, old, new, changes, unchanged, reviews_for(changes, measures, key))
