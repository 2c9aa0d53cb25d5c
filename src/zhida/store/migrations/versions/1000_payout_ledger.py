"""政策兑现 ledger: payout records, per-enterprise lock rows, budgets (资金池), 免申即享 lists.

Revision ID: 1000_payout_ledger
Revises: 0910_notify
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1000_payout_ledger"
down_revision = "0910_notify"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(20, 2)
ACTIVE = "status IN ('queued', 'approved', 'paid', 'flagged')"


def upgrade() -> None:
    op.create_table(
        "payout_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False, index=True),
        sa.Column("enterprise_name", sa.Text),
        sa.Column("region_code", sa.String(6), index=True),
        sa.Column("measure_id", sa.String(128), nullable=False),
        sa.Column("benefit_id", sa.String(128), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("item", sa.String(64), nullable=False, server_default=""),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("rule_amount", MONEY),
        sa.Column("reduction_reason", sa.Text),
        sa.Column("payer", sa.String(16)),
        sa.Column("rule_version", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("approvers", sa.JSON, nullable=False),
        sa.Column("source_type", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("status_reason", sa.Text),
        sa.Column("expected_at", sa.DateTime(timezone=True)),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('queued', 'approved', 'paid', 'flagged', 'clawed_back', 'cancelled')",
                           name="ck_payout_records_status"),
        sa.CheckConstraint("amount >= 0", name="ck_payout_records_amount"),
    )
    op.create_index("uq_payout_records_benefit_period", "payout_records", ["uscc", "benefit_id", "period", "item"],
                    unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    op.create_index("ix_payout_records_measure_year", "payout_records", ["measure_id", "year", "payer"])
    op.create_index("ix_payout_records_source", "payout_records", ["source_type", "source_id"])
    op.create_table("payout_enterprise_locks", sa.Column("uscc", sa.String(18), primary_key=True))
    op.create_table(
        "payout_budgets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("measure_id", sa.String(128), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("payer", sa.String(16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("used", MONEY, nullable=False),
        sa.Column("on_exceed", sa.String(8), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("measure_id", "year", "payer", name="uq_payout_budgets_measure_year_payer"),
        sa.CheckConstraint("on_exceed IN ('refuse', 'queue')", name="ck_payout_budgets_on_exceed"),
    )
    op.create_table(
        "payout_exempt_lists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("measure_id", sa.String(128), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("rule_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("built_by", sa.String(128), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(128)),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "payout_exempt_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list_id", sa.Integer, sa.ForeignKey("payout_exempt_lists.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("uscc", sa.String(18), nullable=False, index=True),
        sa.Column("name", sa.Text),
        sa.Column("region_code", sa.String(6)),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("excluded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("exclusion_reason", sa.Text),
        sa.Column("account", sa.JSON),
        sa.Column("case_id", sa.Integer, index=True),
        sa.Column("record_id", sa.Integer),
        sa.UniqueConstraint("list_id", "uscc", name="uq_payout_exempt_items_list_uscc"),
    )


def downgrade() -> None:
    op.drop_table("payout_exempt_items")
    op.drop_table("payout_exempt_lists")
    op.drop_table("payout_budgets")
    op.drop_table("payout_enterprise_locks")
    op.drop_table("payout_records")
