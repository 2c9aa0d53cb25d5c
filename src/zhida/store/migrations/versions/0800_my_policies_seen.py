"""我的政策: the last results each enterprise user saw (my_policies_seen), for 自上次访问以来的变化.

Revision ID: 0800_my_policies_seen
Revises: 0700_security
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800_my_policies_seen"
down_revision = "0700_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "my_policies_seen",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("my_policies_seen")
