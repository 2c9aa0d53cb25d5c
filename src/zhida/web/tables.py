"""Tables of the web platform: accounts, server-side sessions and the audit log.

Declared on the store's Base so one Alembic history covers everything; the migration is
``store/migrations/versions/0100_web_accounts.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base

ROLES = ("admin", "staff", "enterprise")


class User(Base):
    """A person who logs in. Scope columns are used according to the role (see deps.Principal)."""

    __tablename__ = "web_users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'staff', 'enterprise')", name="ck_web_users_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(255))
    # staff: the responsible units (责任单位) they answer for and their region (行政区);
    # enterprise: the one USCC they may see. Stored as JSON lists / plain text.
    units: Mapped[list[Any]] = mapped_column()
    region: Mapped[str | None] = mapped_column(String(64))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A logged-in browser or API client. Only a hash of the cookie value is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One change: who, when, what, and the JSON of the thing before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # None for the command line
    actor: Mapped[str] = mapped_column(String(128))  # username, or "cli:<os user>"
    action: Mapped[str] = mapped_column(String(64))  # create / update / delete / …
    entity: Mapped[str] = mapped_column(String(64))  # user, enterprise, measure, …
    entity_id: Mapped[str] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    detail: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(64))  # from where: the client's address
    # Hash chain (web/audit_chain.py): each entry's hash covers its content and the previous hash.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The one row naming the newest audit entry and its hash: appending locks it (so entries
    chain in order across processes), and a cut-off tail no longer matches it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class LoginFailure(Base):
    """Failed logins per account ("account:<name>") or client address ("address:<ip>"), shared
    by every worker process through the store (web/login_throttle.py)."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
