"""政策兑现 applications (申报制): applications, their attachments, units' 材料清单
(zhida.payouts.applications.tables).

Revision ID: 1010_applications
Revises: 1100_service_desk
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1010_applications"
down_revision = "1100_service_desk"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(20, 2)


def upgrade() -> None:
    op.create_table(
        "payout_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, unique=True),
        sa.Column("uscc", sa.String(18), nullable=False, index=True),
        sa.Column("enterprise_name", sa.Text),
        sa.Column("region_code", sa.String(6)),
        sa.Column("measure_id", sa.String(128), nullable=False),
        sa.Column("measure_title", sa.Text, nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("unit", sa.String(255), nullable=False),
        sa.Column("district", sa.String(6)),
        sa.Column("payer_unit", sa.String(255), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("used_facts", sa.JSON, nullable=False),
        sa.Column("rule_amount", MONEY),
        sa.Column("approved_amount", MONEY),
        sa.Column("reduction_reason", sa.Text),
        sa.Column("materials", sa.JSON, nullable=False),
        sa.Column("declared", sa.Boolean, nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True)),
        sa.Column("record_id", sa.Integer),
        sa.Column("payment_reference", sa.String(128)),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("paid_at", sa.DateTime(timezone=True), index=True),
    )
    op.create_index("ix_payout_applications_measure", "payout_applications", ["measure_id", "created_at"])
    op.create_index("ix_payout_applications_unit", "payout_applications", ["unit", "district"])
    op.create_table(
        "payout_application_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("payout_applications.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("material", sa.String(255), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "payout_material_lists",
        sa.Column("measure_id", sa.String(128), primary_key=True),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("payout_material_lists")
    op.drop_table("payout_application_files")
    op.drop_table("payout_applications")
