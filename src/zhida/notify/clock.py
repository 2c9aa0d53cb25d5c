"""Instants in UTC: naive ones (SQLite hands them back, --now without a zone) are taken as UTC,
others converted — the outbox compares stored times with ``now``, so both must be UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(at: datetime | None = None) -> datetime:
    """``at`` in UTC; None: the clock."""
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
