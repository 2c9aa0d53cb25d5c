"""Registries: memberships with history, proposals under review, flags, targets, imports (zhida.registries.tables).

Revision ID: 1200_registries
Revises: 1400_supervision
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1200_registries"
down_revision = "1400_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_memberships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(6)),
        sa.Column("industry_code", sa.String(5)),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("way", sa.String(16), nullable=False),
        sa.Column("proposal_id", sa.Integer()),
        sa.Column("ended_reason", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_registry_memberships_on", "registry_memberships", ["registry", "valid_from", "valid_to"])
    op.create_index("ix_registry_memberships_uscc", "registry_memberships", ["registry", "uscc"])
    op.create_table(
        "registry_proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(6)),
        sa.Column("industry_code", sa.String(5)),
        sa.Column("way", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(128), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("criteria_version", sa.String(32)),
        sa.Column("pending", sa.JSON()),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_registry_proposals_open", "registry_proposals", ["registry", "open"])
    op.create_index("ix_registry_proposals_uscc", "registry_proposals", ["uscc"])
    op.create_index("ix_registry_proposals_case_id", "registry_proposals", ["case_id"])
    op.create_table(
        "registry_flags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_registry_flags_open", "registry_flags", ["registry", "resolved"])
    op.create_index("ix_registry_flags_membership_id", "registry_flags", ["membership_id"])
    op.create_table(
        "registry_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("tier", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.UniqueConstraint("registry", "region_code", "tier", "year", name="uq_registry_targets"),
    )
    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(1024), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rejects", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_registry_imports_source_sha256", "registry_imports", ["source_sha256"])


def downgrade() -> None:
    for table in ("registry_imports", "registry_targets", "registry_flags", "registry_proposals", "registry_memberships"):
        op.drop_table(table)
