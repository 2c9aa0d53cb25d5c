"""Registries: figures kept once computed (registry_figures, with the generation and time they were
computed from) and a generation per registry raised by every membership or target change
(registry_generations); an index for the members list of one tier in USCC order (keyset pages).

Revision ID: 1210_registry_figures
Revises: 1621_monitoring_analysis
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1210_registry_figures"
down_revision = "1621_monitoring_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_generations",
        sa.Column("registry", sa.String(64), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
    )
    op.create_table(
        "registry_figures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("registry", "day", "months", name="uq_registry_figures"),
    )
    op.create_index("ix_registry_memberships_tier", "registry_memberships", ["registry", "tier", "uscc"])


def downgrade() -> None:
    op.drop_index("ix_registry_memberships_tier", "registry_memberships")
    op.drop_table("registry_figures")
    op.drop_table("registry_generations")
