"""Links between documents (repeals, extends, amends, implements …) stated by each stored version
(zhida.lifecycle.tables). Versions stored before this revision get theirs with
``zhida documents relink``.

Revision ID: 1600_document_links
Revises: 1012_application_queue
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1600_document_links"
down_revision = "1012_application_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("document_versions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target_number", sa.String(255), nullable=True),
        sa.Column("target_title", sa.Text(), nullable=True),
        sa.Column("number_key", sa.String(255), nullable=True),
        sa.Column("title_key", sa.String(512), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(255), nullable=True),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("basis", sa.String(32), nullable=False),
    )
    op.create_index("ix_document_links_version_id", "document_links", ["version_id"])
    op.create_index("ix_document_links_number_key", "document_links", ["number_key"])
    op.create_index("ix_document_links_title_key", "document_links", ["title_key"])


def downgrade() -> None:
    op.drop_table("document_links")
