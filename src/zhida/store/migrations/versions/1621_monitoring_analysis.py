"""Monitoring, second slice: raw-material prices, the hand-kept key-enterprise list, the monthly
工业经济运行分析 with its narrative and workflow case (zhida.monitoring.tables).

Revision ID: 1621_monitoring_analysis
Revises: 1620_consultations
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1621_monitoring_analysis"
down_revision = "1620_consultations"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mon_prices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("commodity", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("price", sa.Numeric(20, 2), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("commodity", "month", name="uq_mon_prices_month"),
    )
    op.create_index("ix_mon_prices_commodity", "mon_prices", ["commodity"])
    op.create_index("ix_mon_prices_month", "mon_prices", ["month"])
    op.create_table(
        "mon_key_enterprises",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.UniqueConstraint("uscc", name="uq_mon_key_enterprises_uscc"),
    )
    op.create_table(
        "mon_analyses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.UniqueConstraint("month", "scope", name="uq_mon_analyses_month"),
    )
    op.create_index("ix_mon_analyses_month", "mon_analyses", ["month"])


def downgrade() -> None:
    for table in ("mon_analyses", "mon_key_enterprises", "mon_prices"):
        op.drop_table(table)
