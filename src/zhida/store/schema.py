"""Tables of the store (SQLAlchemy 2 typed declarative). Migrations in ``migrations/`` create them.

The clause search index is not a table: it is a tantivy index beside the database, kept in step
through ``search_log`` (see ``search_sync``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, false, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}


class Document(Base):
    """One policy document, identified by its source file stem; its content lives in versions."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    # Number of the current version (not a foreign key: avoids a documents<->versions cycle).
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.version"
    )


class DocumentVersion(Base):
    """One ingested content of a document. Kept forever: a changed source adds a version."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version", name="uq_document_versions_document_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(1024))
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(64))
    script: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(255), index=True)  # 文号, for lookups
    issuer: Mapped[str | None] = mapped_column(Text)
    original: Mapped[str] = mapped_column(Text)  # the authority every offset points into
    metadata_json: Mapped[dict[str, Any]] = mapped_column()
    clause_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship(back_populates="versions")


class ClauseRow(Base):
    """One clause of one version; the tree is rebuilt from parent_id/position (nothing stored twice)."""

    __tablename__ = "clauses"
    __table_args__ = (
        # A real constraint: clause ids are how rules cite clauses, so they must be unique.
        UniqueConstraint("version_id", "clause_id", name="uq_clauses_version_clause"),
        Index("ix_clauses_version_position", "version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    clause_id: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer)  # document order, preamble first, closing last
    depth: Mapped[int] = mapped_column(Integer)
    labels: Mapped[list[Any]] = mapped_column()
    kind: Mapped[str] = mapped_column(String(32))
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str | None] = mapped_column(Text)  # NULL when equal to text (simplified sources)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    extraction: Mapped[dict[str, Any]] = mapped_column()  # amounts, percentages, dates, … as JSON
    # Denormalized "|a|b|" lists (own + inherited from ancestors) for --unit/--beneficiary filters.
    units: Mapped[str] = mapped_column(Text)
    beneficiaries: Mapped[str] = mapped_column(Text)


class SearchLogEntry(Base):
    """The search index's outbox: written in the ingest's transaction, applied to the index later.

    'add' makes a version's clauses searchable, 'remove' withdraws them (a newer version became
    current). ``seq`` only grows and follows commit order (ingest locks the table on PostgreSQL),
    so an index that applied everything up to some seq has missed nothing before it.
    """

    __tablename__ = "search_log"
    __table_args__ = (
        CheckConstraint("op IN ('add', 'remove')", name="ck_search_log_op"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Integer)  # no foreign key: the log outlives what it names
    op: Mapped[str] = mapped_column(String(8))


class StoreInstance(Base):
    """One row: a random id made with the database, so data derived from it and kept outside (the
    search index) can tell whether it belongs to this database or to a replaced one."""

    __tablename__ = "store_instance"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)


class WebJob(Base):
    """A background job of the web app, shared by all worker processes (zhida.jobs.batch). The
    process running it writes progress (its heartbeat: ``updated_at``) and reads ``cancel_requested``."""

    __tablename__ = "web_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')",
                        name="ck_web_jobs_status"),
        # At most one active batch: of two simultaneous starts, the second insert fails (0600_job_leases).
        Index("uq_web_jobs_one_active_batch", "kind", unique=True,
              sqlite_where=text("kind = 'batch' AND status IN ('queued', 'running')"),
              postgresql_where=text("kind = 'batch' AND status IN ('queued', 'running')")),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(64))
    done: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any]] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column()
    cancel_requested: Mapped[bool] = mapped_column(Boolean, server_default=false())
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # zhida.jobs.lease
    owner: Mapped[str | None] = mapped_column(String(64))  # host:pid of the process holding the lease
    created_by_id: Mapped[int | None] = mapped_column(Integer)  # the starting user's id (audit, scope)
