"""Background jobs of the web app (batch runs started from the API / 精准推送), shared by all
worker processes: progress, outcome and a cancel request (table of zhida.store.schema.WebJob).

Revision ID: 0500_web_jobs
Revises: 0400_search_log
Create Date: 2025-01-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0500_web_jobs"
down_revision = "0400_search_log"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "web_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("done", sa.BigInteger, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
        sa.Column("summary", JSON, nullable=False),
        sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')",
                           name="ck_web_jobs_status"),
    )
    op.create_index("ix_web_jobs_status", "web_jobs", ["status"])
    op.create_index("ix_web_jobs_created_at", "web_jobs", ["created_at"])


def downgrade() -> None:
    op.drop_table("web_jobs")
