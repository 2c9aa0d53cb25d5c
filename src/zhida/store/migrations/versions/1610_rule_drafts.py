"""Drafted rules, published rule versions and measure-file heads (zhida.drafting.tables).

Revision ID: 1610_rule_drafts
Revises: 1600_document_links
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1610_rule_drafts"
down_revision = "1600_document_links"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rule_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document", sa.String(255), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(255), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("drafted_yaml", sa.Text(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("cases_yaml", sa.Text(), nullable=False),
        sa.Column("open_fields", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("document", "document_version", "measure_id", name="uq_rule_drafts_measure"),
    )
    op.create_index("ix_rule_drafts_document", "rule_drafts", ["document"])
    op.create_index("ix_rule_drafts_measure_id", "rule_drafts", ["measure_id"])
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("measure_id", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("cases_yaml", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_at", TZ, nullable=False),
        sa.UniqueConstraint("measure_id", "version", name="uq_rule_versions_version"),
    )
    op.create_index("ix_rule_versions_measure_id", "rule_versions", ["measure_id"])
    op.create_index("ix_rule_versions_document", "rule_versions", ["document"])
    op.create_table(
        "rule_files",
        sa.Column("document", sa.String(255), primary_key=True),
        sa.Column("head", sa.Text(), nullable=False),
        sa.Column("tail", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rule_files")
    op.drop_index("ix_rule_versions_document", table_name="rule_versions")
    op.drop_index("ix_rule_versions_measure_id", table_name="rule_versions")
    op.drop_table("rule_versions")
    op.drop_index("ix_rule_drafts_measure_id", table_name="rule_drafts")
    op.drop_index("ix_rule_drafts_document", table_name="rule_drafts")
    op.drop_table("rule_drafts")
