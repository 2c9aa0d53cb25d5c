"""Batch runs, their per-measure totals and eligible pairs (tables of zhida.batch.tables).

Revision ID: 0300_batch_runs
Revises: 0200_enterprises
Create Date: 2025-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300_batch_runs"
down_revision = "0200_enterprises"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_key", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("out_dir", sa.Text, nullable=False),
        sa.Column("enterprises", sa.BigInteger),
        sa.Column("measures", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_batch_runs_status", "batch_runs", ["status"])
    op.create_table(
        "batch_measure_totals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("batch_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("measure_id", sa.String(128), nullable=False),
        sa.Column("benefit", sa.String(128), nullable=False),
        sa.Column("eligible", sa.BigInteger, nullable=False),
        sa.Column("ineligible", sa.BigInteger, nullable=False),
        sa.Column("undetermined", sa.BigInteger, nullable=False),
        sa.Column("not_applicable", sa.BigInteger, nullable=False),
        sa.Column("amount_total", sa.Numeric(24, 2)),
        sa.Column("amount_known", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_batch_measure_totals_run_id", "batch_measure_totals", ["run_id"])
    op.create_table(
        "batch_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("batch_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("measure_id", sa.String(128), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(20, 2)),
        sa.Column("failing", sa.Text),
    )
    op.create_index("ix_batch_results_run_id", "batch_results", ["run_id"])
    op.create_index("ix_batch_results_measure_id", "batch_results", ["measure_id"])
    op.create_index("ix_batch_results_uscc", "batch_results", ["uscc"])


def downgrade() -> None:
    op.drop_table("batch_results")
    op.drop_table("batch_measure_totals")
    op.drop_table("batch_runs")
