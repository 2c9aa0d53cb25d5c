"""Monitoring: the indicators grouped by month × district × industry (zhida.monitoring.tables.MonRollup),
filled for the months already imported.

Revision ID: 1631_monitoring_rollups
Revises: 1630_sv_derived_units
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1631_monitoring_rollups"
down_revision = "1630_sv_derived_units"
branch_labels = None
depends_on = None

SERIES = ("output_value", "revenue", "electricity", "employees")


def upgrade() -> None:
    op.create_table(
        "mon_rollups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("industry", sa.String(8), nullable=True),
        sa.Column("reporting", sa.Integer(), nullable=False),
        *[sa.Column(f"{s}__{k}", sa.BigInteger(), nullable=True) for s in SERIES for k in ("sum", "cur", "prev")],
    )
    op.create_index("ix_mon_rollups_month_region", "mon_rollups", ["month", "region_code"])
    from sqlalchemy.orm import Session

    from zhida.monitoring.figures import refresh_all

    refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table("mon_rollups")
