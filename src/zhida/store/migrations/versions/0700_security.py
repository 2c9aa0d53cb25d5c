"""Security: login throttling shared by all workers (login_failures), the audit log's client
address and hash chain (audit_log.client/prev_hash/hash, audit_head). Existing audit entries are
chained in id order, so `zhida audit verify` covers them too.

Revision ID: 0700_security
Revises: 0600_job_leases
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700_security"
down_revision = "0600_job_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from zhida.audit.chain import GENESIS, entry_hash

    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_login_failures_last_failure_at", "login_failures", ["last_failure_at"])
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("client", sa.String(64)))
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    bind = op.get_bind()
    typed = {"at": sa.DateTime(timezone=True), "before": sa.JSON(), "after": sa.JSON()}
    log = sa.table("audit_log", *(sa.column(name, typed.get(name)) for name in (
        "id", "at", "actor", "actor_id", "action", "entity", "entity_id", "before", "after", "detail", "client",
        "prev_hash", "hash")))
    previous, last_id = GENESIS, 0
    for row in bind.execute(sa.select(log).order_by(log.c.id)).mappings().all():
        digest = entry_hash(dict(row), previous)
        bind.execute(sa.update(log).where(log.c.id == row["id"]).values(prev_hash=previous, hash=digest))
        previous, last_id = digest, row["id"]
    op.bulk_insert(head, [{"id": 1, "last_id": last_id, "last_hash": previous}])


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("client")
    op.drop_table("login_failures")
