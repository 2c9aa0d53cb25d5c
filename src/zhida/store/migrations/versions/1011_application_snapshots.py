"""Applications' frozen facts in a table of their own (payout_application_snapshots), so that queues,
counts and reports of a year of applications do not read past a few kB of JSON a row; an index for
the payer unit's queue (zhida.payouts.applications.tables).

Revision ID: 1011_application_snapshots
Revises: 1300_projects
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1011_application_snapshots"
down_revision = "1300_projects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payout_application_snapshots",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("payout_applications.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("used_facts", sa.JSON, nullable=False),
    )
    op.execute("INSERT INTO payout_application_snapshots (application_id, facts, used_facts) "
               "SELECT id, facts, used_facts FROM payout_applications")
    with op.batch_alter_table("payout_applications") as batch:
        batch.drop_column("facts")
        batch.drop_column("used_facts")
    op.create_index("ix_payout_applications_payer", "payout_applications", ["payer_unit", "district"])


def downgrade() -> None:
    op.drop_index("ix_payout_applications_payer", "payout_applications")
    with op.batch_alter_table("payout_applications") as batch:
        batch.add_column(sa.Column("facts", sa.JSON))
        batch.add_column(sa.Column("used_facts", sa.JSON))
    op.execute("UPDATE payout_applications SET facts = (SELECT facts FROM payout_application_snapshots s "
               "WHERE s.application_id = payout_applications.id), used_facts = (SELECT used_facts FROM "
               "payout_application_snapshots s WHERE s.application_id = payout_applications.id)")
    op.drop_table("payout_application_snapshots")
