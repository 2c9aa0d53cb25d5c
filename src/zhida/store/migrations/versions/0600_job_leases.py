"""Job leases: a worker's claim on a running job expires unless renewed (zhida.jobs.lease);
at most one active batch job (a partial unique index serializes two simultaneous starts); batch
runs and enterprise imports name the web job running them, so a dead job's run and import are
marked ``interrupted`` with it.

Revision ID: 0600_job_leases
Revises: 0500_web_jobs
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600_job_leases"
down_revision = "0500_web_jobs"
branch_labels = None
depends_on = None

ACTIVE_BATCH = sa.text("kind = 'batch' AND status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table("web_jobs") as table:
        table.add_column(sa.Column("lease_until", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("owner", sa.String(64)))
        table.add_column(sa.Column("created_by_id", sa.Integer))
    # Jobs left active by the code before leases: their processes are gone.
    op.execute("UPDATE web_jobs SET status = 'interrupted', stage = '进程已退出' "
               "WHERE status IN ('queued', 'running')")
    op.create_index("uq_web_jobs_one_active_batch", "web_jobs", ["kind"], unique=True,
                    sqlite_where=ACTIVE_BATCH, postgresql_where=ACTIVE_BATCH)
    with op.batch_alter_table("batch_runs") as table:
        table.add_column(sa.Column("job_id", sa.String(32)))
    with op.batch_alter_table("enterprise_imports") as table:
        table.add_column(sa.Column("job_id", sa.String(32)))
    op.create_index("ix_enterprise_imports_job_id", "enterprise_imports", ["job_id"])
    op.create_index("ix_batch_runs_job_id", "batch_runs", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_batch_runs_job_id", "batch_runs")
    op.drop_index("ix_enterprise_imports_job_id", "enterprise_imports")
    with op.batch_alter_table("enterprise_imports") as table:
        table.drop_column("job_id")
    with op.batch_alter_table("batch_runs") as table:
        table.drop_column("job_id")
    op.drop_index("uq_web_jobs_one_active_batch", "web_jobs")
    with op.batch_alter_table("web_jobs") as table:
        table.drop_column("created_by_id")
        table.drop_column("owner")
        table.drop_column("lease_until")
