"""Notifications: messages, their recipients, read marks, the e-mail outbox, subscriptions and
e-mail preferences (zhida.notify.tables); web_users.email.

Revision ID: 0910_notify
Revises: 0900_workflow
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0910_notify"
down_revision = "0900_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_users") as batch:
        batch.add_column(sa.Column("email", sa.String(320)))
    op.create_table(
        "notify_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("link", sa.String(512)),
        sa.Column("dedupe_key", sa.String(255), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_notify_messages_event", "notify_messages", ["event"])
    op.create_index("ix_notify_messages_created_at", "notify_messages", ["created_at"])
    op.create_table(
        "notify_recipients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("notify_messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.UniqueConstraint("message_id", "kind", "key", name="uq_notify_recipients_message_kind_key"),
    )
    op.create_index("ix_notify_recipients_kind_key", "notify_recipients", ["kind", "key", "message_id"])
    op.create_table(
        "notify_reads",
        sa.Column("message_id", sa.Integer, sa.ForeignKey("notify_messages.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("notify_messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="SET NULL")),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("message_id", "user_id", name="uq_notify_outbox_message_user"),
    )
    op.create_index("ix_notify_outbox_message_id", "notify_outbox", ["message_id"])
    op.create_index("ix_notify_outbox_status_next_try", "notify_outbox", ["status", "next_try_at"])
    op.create_table(
        "notify_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "topic", "value", name="uq_notify_subscriptions_user_topic_value"),
    )
    op.create_index("ix_notify_subscriptions_user_id", "notify_subscriptions", ["user_id"])
    op.create_table(
        "notify_preferences",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("event", sa.String(64), primary_key=True),
        sa.Column("email", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("notify_preferences", "notify_subscriptions", "notify_outbox", "notify_reads",
                  "notify_recipients", "notify_messages"):
        op.drop_table(table)
    with op.batch_alter_table("web_users") as batch:
        batch.drop_column("email")
