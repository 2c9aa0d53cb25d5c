"""The audit log's tables: the entries and the head of their hash chain (zhida.audit.chain).

Declared on the store's Base; the migrations are 0100_web_accounts and 0700_security.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base


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
    # Hash chain (zhida.audit.chain): each entry's hash covers its content and the previous hash.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The one row naming the newest audit entry and its hash: appending locks it (so entries
    chain in order across processes), and a cut-off tail no longer matches it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
