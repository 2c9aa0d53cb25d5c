"""The last results an enterprise user saw on 我的政策 (table ``my_policies_seen``, migration
``0800_my_policies_seen``): one row per user, replaced at each visit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base


class SeenResults(Base):
    __tablename__ = "my_policies_seen"

    user_id: Mapped[int] = mapped_column(primary_key=True)  # web_users.id (the foreign key is in the migration)
    uscc: Mapped[str] = mapped_column(String(18))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


def visit(store, user_id: int, uscc: str, snapshot: dict) -> tuple[dict | None, datetime | None]:
    """Record ``snapshot`` as seen now; return what was seen before (of the same enterprise) and when."""
    def work(session):
        row = session.get(SeenResults, user_id)
        before = (row.snapshot, row.seen_at) if row is not None and row.uscc == uscc else (None, None)
        if row is None:
            session.add(SeenResults(user_id=user_id, uscc=uscc, seen_at=datetime.now(UTC), snapshot=snapshot))
        else:
            row.uscc, row.seen_at, row.snapshot = uscc, datetime.now(UTC), snapshot
        return before

    return store.retrying(work)


def last_seen(store, user_id: int) -> dict | None:
    with store.transaction() as session:
        row = session.execute(select(SeenResults).where(SeenResults.user_id == user_id)).scalar_one_or_none()
        return None if row is None else {"uscc": row.uscc, "seen_at": row.seen_at, "snapshot": row.snapshot}
