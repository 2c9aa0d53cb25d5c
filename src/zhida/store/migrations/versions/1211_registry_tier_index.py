"""Registries: the members-of-one-tier index also covers the validity dates, so counting a tier's
members on a day reads the index alone (registry, tier, uscc, valid_from, valid_to).

Revision ID: 1211_registry_tier_index
Revises: 1631_monitoring_rollups
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "1211_registry_tier_index"
down_revision = "1631_monitoring_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_registry_memberships_tier", "registry_memberships")
    op.create_index("ix_registry_memberships_tier", "registry_memberships",
                    ["registry", "tier", "uscc", "valid_from", "valid_to"])


def downgrade() -> None:
    op.drop_index("ix_registry_memberships_tier", "registry_memberships")
    op.create_index("ix_registry_memberships_tier", "registry_memberships", ["registry", "tier", "uscc"])
