"""The audit log's hash chain: every entry's hash covers its content and the previous entry's
hash, and the head row names the newest entry. Changing, deleting or inserting an entry — or
cutting off the newest ones — breaks the chain at that point; ``verify`` finds the first break.

An attacker who can rewrite the whole table could recompute every hash after the one they
changed: keep the head hash that ``zhida audit verify`` prints somewhere else (a ticket, a
signed e-mail, the operations log) and compare later — the chain then proves nothing older
was changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

GENESIS = "0" * 64
FIELDS = ("id", "at", "actor", "actor_id", "action", "entity", "entity_id", "before", "after", "detail", "client")


def _instant(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: dict[str, Any], previous: str) -> str:
    """SHA-256 of the previous hash and the entry's fields as canonical JSON."""
    fields = {name: entry.get(name) for name in FIELDS}
    fields["at"] = _instant(fields["at"])
    canonical = json.dumps([previous, fields], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fields(entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in FIELDS}


def append(session: Session, entry) -> None:
    """Chain a new (unflushed) AuditEntry after the newest one, in the caller's transaction.

    The head row is written first: that takes the lock (PostgreSQL row lock, SQLite write lock)
    so concurrent appends from any process chain one after another, never both after the same."""
    from zhida.web.tables import AuditHead

    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id))
    last_hash = session.execute(select(AuditHead.last_hash).where(AuditHead.id == 1)).scalar_one()
    entry.prev_hash = last_hash
    session.add(entry)
    session.flush()  # assigns the id, which the hash covers
    entry.hash = entry_hash(_fields(entry), last_hash)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=entry.id, last_hash=entry.hash))
    session.flush()


@dataclass(frozen=True)
class Verdict:
    entries: int
    head_hash: str
    broken_at: int | None = None  # id of the first entry that does not verify (None: intact)
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.reason is None


def verify(session: Session, batch: int = 1000) -> Verdict:
    """Walk the log in id order; the first entry whose link or content does not match is reported."""
    from zhida.audit.tables import AuditEntry, AuditHead

    head = session.get(AuditHead, 1)
    previous, count, last_id = GENESIS, 0, 0
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    for entry in session.scalars(query):
        count += 1
        if entry.prev_hash != previous:
            return Verdict(count, previous, entry.id, "与前一条的链接不符（其前有条目被删除、插入或修改）")
        if entry.hash != entry_hash(_fields(entry), previous):
            return Verdict(count, previous, entry.id, "内容与其哈希不符（此条被修改）")
        previous, last_id = entry.hash, entry.id
    if head is None:
        return Verdict(count, previous, None, "缺少链头记录（audit_head）")
    if (head.last_id, head.last_hash) != (last_id, previous):
        return Verdict(count, previous, None,
                       f"链头指向第 {head.last_id} 条，而日志止于第 {last_id} 条（最新的条目被删除或链头被改）")
    return Verdict(count, previous)
