"""Tables of the web platform: accounts and server-side sessions (the audit log is zhida.audit.tables).

Declared on the store's Base so one Alembic history covers everything; the migration is
``store/migrations/versions/0100_web_accounts.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhida.audit.tables import AuditEntry, AuditHead  # noqa: F401 - registered with the web tables
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
    email: Mapped[str | None] = mapped_column(String(320))  # notifications by e-mail (zhida.notify)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A logged-in browser or API client. Only a hash of the cookie value is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Failed logins per account ("account:<name>") or client address ("address:<ip>"), shared
    by every worker process through the store (web/login_throttle.py)."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
