"""Monitoring: the park (园区) an enterprise's indicators were reported under
(zhida.monitoring.parks), a trimmed name; NULL = not stated.

Revision ID: 1640_monitoring_parks
Revises: 1211_registry_tier_index
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1640_monitoring_parks"
down_revision = "1211_registry_tier_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mon_indicators") as table:
        table.add_column(sa.Column("park", sa.String(64), nullable=True))
        table.create_index("ix_mon_indicators_park", ["park"])


def downgrade() -> None:
    with op.batch_alter_table("mon_indicators") as table:
        table.drop_index("ix_mon_indicators_park")
        table.drop_column("park")
