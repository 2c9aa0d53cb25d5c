"""Initial store: documents, versions, clauses and the Chinese full-text index.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(1024), nullable=False),
        sa.Column("source_format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(64)),
        sa.Column("script", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("doc_number", sa.String(255)),
        sa.Column("issuer", sa.Text),
        sa.Column("original", sa.Text, nullable=False),
        sa.Column("metadata_json", JSON, nullable=False),
        sa.Column("clause_count", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "version", name="uq_document_versions_document_version"),
    )
    op.create_index("ix_document_versions_document_id", "document_versions", ["document_id"])
    op.create_index("ix_document_versions_doc_number", "document_versions", ["doc_number"])
    op.create_table(
        "clauses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("document_versions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("clause_id", sa.String(255), nullable=False),
        sa.Column("parent_id", sa.String(255)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("heading", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("normalized", sa.Text),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("extraction", JSON, nullable=False),
        sa.Column("units", sa.Text, nullable=False),
        sa.Column("beneficiaries", sa.Text, nullable=False),
        sa.UniqueConstraint("version_id", "clause_id", name="uq_clauses_version_clause"),
    )
    op.create_index("ix_clauses_version_position", "clauses", ["version_id", "position"])

    # The full-text index holds the CURRENT version's clauses only (rows are swapped on update),
    # keyed by clauses.id. Its content is the clause's normalized text as character bigrams.
    if op.get_bind().dialect.name == "sqlite":
        # Contentless: the bigram text is derived from clauses.normalized, no need to store it twice.
        # units/beneficiaries are indexed too so --unit/--beneficiary filter inside FTS5 (no joins).
        op.execute(
            "CREATE VIRTUAL TABLE clause_search USING fts5("
            "tokens, units, beneficiaries, content='', tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        op.execute(
            "CREATE TABLE clause_search ("
            " clause_id integer PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE,"
            " tokens tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_clause_search_tokens ON clause_search USING gin (tokens)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS clause_search")
    op.drop_table("clauses")
    op.drop_table("document_versions")
    op.drop_table("documents")
