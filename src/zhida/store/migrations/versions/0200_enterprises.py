"""Enterprises (一户一档), their imports and the import rejects (tables of zhida.enterprises.tables).

Revision ID: 0200_enterprises
Revises: 0100_web_accounts
Create Date: 2025-01-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0200_enterprises"
down_revision = "0100_web_accounts"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "enterprise_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_name", sa.String(1024), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("batch_size", sa.Integer, nullable=False),
        sa.Column("batches_committed", sa.Integer, nullable=False),
        sa.Column("rows_stored", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_enterprise_imports_source_sha256", "enterprise_imports", ["source_sha256"])
    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("special_zone", sa.String(16)),
        sa.Column("industry_code", sa.String(5), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("size_class", sa.String(8)),
        sa.Column("size_class_year", sa.Integer),
        sa.Column("schema_version", sa.String(8), nullable=False),
        sa.Column("profile_json", JSON, nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("enterprise_imports.id")),
        sa.Column("source_row", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_enterprises_region_code", "enterprises", ["region_code"])
    op.create_index("ix_enterprises_industry_code", "enterprises", ["industry_code"])
    op.create_index("ix_enterprises_import_id", "enterprises", ["import_id"])
    op.create_table(
        "enterprise_import_rejects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("enterprise_imports.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("field", sa.String(128), nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_enterprise_import_rejects_import_id", "enterprise_import_rejects", ["import_id"])


def downgrade() -> None:
    op.drop_table("enterprise_import_rejects")
    op.drop_table("enterprises")
    op.drop_table("enterprise_imports")
