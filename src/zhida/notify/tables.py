"""Tables of the notifications (migration ``0910_notify``).

- ``notify_messages``: one published notification (event kind, title, body, link), with an
  optional unique ``dedupe_key`` that makes publishing the same thing twice a no-op.
- ``notify_recipients``: whom a message is addressed to — a user, an enterprise (every account of
  that USCC, present and future) or a 责任单位 (every staff member answering for it).
- ``notify_reads``: which user has read which message (unread = no row).
- ``notify_outbox``: one e-mail per (message, account with an address that wants it), written in
  the publishing transaction; the sender claims rows with a lease and marks them sent.
- ``notify_subscriptions`` / ``notify_preferences``: what an account subscribes to, and per event
  kind whether it also wants e-mail (the inbox always gets everything).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Message(Base):
    __tablename__ = "notify_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(512))
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class MessageRecipient(Base):
    __tablename__ = "notify_recipients"
    __table_args__ = (
        UniqueConstraint("message_id", "kind", "key", name="uq_notify_recipients_message_kind_key"),
        Index("ix_notify_recipients_kind_key", "kind", "key", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("notify_messages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # user | enterprise | unit
    key: Mapped[str] = mapped_column(String(255))  # user id, USCC, unit name


class MessageRead(Base):
    __tablename__ = "notify_reads"

    message_id: Mapped[int] = mapped_column(ForeignKey("notify_messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMail(Base):
    __tablename__ = "notify_outbox"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id", name="uq_notify_outbox_message_user"),
        Index("ix_notify_outbox_status_next_try", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("notify_messages.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Subscription(Base):
    """An account's subscription: ``topic`` all (everything it may qualify for) | measure_kind |
    industry | district | measure (staff: a measure they answer for), ``value`` the code."""

    __tablename__ = "notify_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "topic", "value", name="uq_notify_subscriptions_user_topic_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Preference(Base):
    """Per account and event kind: e-mail wanted or not (no row: wanted, if the account has an address)."""

    __tablename__ = "notify_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)
