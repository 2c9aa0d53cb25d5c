"""政策征集: consultations on a draft document and their comments (zhida.consultation.tables).

Revision ID: 1620_consultations
Revises: 1610_rule_drafts
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1620_consultations"
down_revision = "1610_rule_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(255), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("publish_due", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("workflow_cases.id"), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consultations_document", "consultations", ["document"])
    op.create_table(
        "consultation_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("clause_id", sa.String(255), nullable=False),
        sa.Column("author_kind", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(255), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(255), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_consultation_comments_consultation_id", "consultation_comments", ["consultation_id"])


def downgrade() -> None:
    op.drop_table("consultation_comments")
    op.drop_table("consultations")
