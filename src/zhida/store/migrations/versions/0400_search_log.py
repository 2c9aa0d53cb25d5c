"""Clause search moves to a tantivy index beside the database: drop the in-database index, add
its outbox (search_log) and the database's own id (store_instance).

Existing clauses are indexed when the new index is first opened (it starts empty and is rebuilt
from the database). Irreversible: the old FTS5 / tsvector index is not rebuilt on downgrade.

Revision ID: 0400_search_log
Revises: 0300_batch_runs
Create Date: 2025-01-05
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0400_search_log"
down_revision = "0300_batch_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS clause_search")  # FTS5 virtual table / tsvector table + GIN index
    op.create_table(
        "search_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.CheckConstraint("op IN ('add', 'remove')", name="ck_search_log_op"),
        sqlite_autoincrement=True,  # never reuse a seq, even after the last row is deleted
    )
    instance = op.create_table("store_instance", sa.Column("id", sa.String(36), primary_key=True))
    op.bulk_insert(instance, [{"id": str(uuid.uuid4())}])


def downgrade() -> None:
    raise NotImplementedError(
        "0400_search_log is irreversible: the FTS5/tsvector clause index it dropped is not rebuilt"
    )
