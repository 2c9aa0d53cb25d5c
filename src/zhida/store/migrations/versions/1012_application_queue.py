"""Applications mirror their workflow case's state and open deadline (payout_applications.state,
open_due_at), with covering indexes for the queue, the overdue filter and the per-measure figures,
so that a view of a year of applications reads one table's indexes instead of joining every case
(zhida.payouts.applications.tables). Existing rows are filled from workflow_cases.

Revision ID: 1012_application_queue
Revises: 1500_monitoring
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1012_application_queue"
down_revision = "1500_monitoring"
branch_labels = None
depends_on = None

QUEUE = ("measure_id", "state", "open_due_at", "approved_amount", "district", "region_code")


def upgrade() -> None:
    with op.batch_alter_table("payout_applications") as batch:
        batch.add_column(sa.Column("state", sa.String(32), nullable=True))
        batch.add_column(sa.Column("open_due_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE payout_applications SET "
               "state = (SELECT c.state FROM workflow_cases c WHERE c.id = payout_applications.case_id), "
               "open_due_at = (SELECT CASE WHEN c.closed THEN NULL ELSE c.due_at END FROM workflow_cases c "
               "WHERE c.id = payout_applications.case_id)")
    op.drop_index("ix_payout_applications_unit", "payout_applications")
    op.drop_index("ix_payout_applications_payer", "payout_applications")
    op.create_index("ix_payout_applications_figures", "payout_applications",
                    ["measure_id", "state", "open_due_at", "approved_amount"])
    op.create_index("ix_payout_applications_unit_queue", "payout_applications", ["unit", *QUEUE])
    op.create_index("ix_payout_applications_payer_queue", "payout_applications", ["payer_unit", *QUEUE])
    op.create_index("ix_payout_applications_overdue", "payout_applications", ["open_due_at"])
    op.create_index("ix_payout_applications_state", "payout_applications", ["state"])


def downgrade() -> None:
    for name in ("state", "overdue", "payer_queue", "unit_queue", "figures"):
        op.drop_index(f"ix_payout_applications_{name}", "payout_applications")
    op.create_index("ix_payout_applications_unit", "payout_applications", ["unit", "district"])
    op.create_index("ix_payout_applications_payer", "payout_applications", ["payer_unit", "district"])
    with op.batch_alter_table("payout_applications") as batch:
        batch.drop_column("open_due_at")
        batch.drop_column("state")
