"""Monitoring (运行监测): indicators per enterprise and month, 开复工, imports, alerts, 亩均 grades
(zhida.monitoring.tables).

Revision ID: 1500_monitoring
Revises: 1011_application_snapshots
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1500_monitoring"
down_revision = "1011_application_snapshots"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mon_indicators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("industry_code", sa.String(8), nullable=True),
        sa.Column("output_value", sa.Numeric(20, 2), nullable=True),
        sa.Column("revenue", sa.Numeric(20, 2), nullable=True),
        sa.Column("electricity", sa.Numeric(20, 2), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("orders", sa.Numeric(20, 2), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("uscc", "month", name="uq_mon_indicators_month"),
    )
    op.create_index("ix_mon_indicators_uscc", "mon_indicators", ["uscc"])
    op.create_index("ix_mon_indicators_month", "mon_indicators", ["month"])
    op.create_index("ix_mon_indicators_region_code", "mon_indicators", ["region_code"])
    op.create_table(
        "mon_resumptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("resumed", sa.Boolean(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("uscc", "day", name="uq_mon_resumptions_day"),
    )
    op.create_index("ix_mon_resumptions_uscc", "mon_resumptions", ["uscc"])
    op.create_index("ix_mon_resumptions_day", "mon_resumptions", ["day"])
    op.create_table(
        "mon_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_name", sa.String(1024), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_mon_imports_source_sha256", "mon_imports", ["source_sha256"])
    op.create_table(
        "mon_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("unit", sa.String(255), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.UniqueConstraint("rule_id", "uscc", "month", name="uq_mon_alerts_rule"),
    )
    op.create_index("ix_mon_alerts_uscc", "mon_alerts", ["uscc"])
    op.create_index("ix_mon_alerts_month", "mon_alerts", ["month"])
    op.create_index("ix_mon_alerts_unit", "mon_alerts", ["unit"])
    op.create_table(
        "mon_evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("industry_code", sa.String(8), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("score", sa.Numeric(8, 2), nullable=True),
        sa.Column("grade", sa.String(1), nullable=True),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.UniqueConstraint("uscc", "year", name="uq_mon_evaluations_year"),
    )
    op.create_index("ix_mon_evaluations_uscc", "mon_evaluations", ["uscc"])
    op.create_index("ix_mon_evaluations_year", "mon_evaluations", ["year"])


def downgrade() -> None:
    for table in ("mon_evaluations", "mon_alerts", "mon_imports", "mon_resumptions", "mon_indicators"):
        op.drop_table(table)
