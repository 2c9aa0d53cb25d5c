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
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
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


_HEAD = "zhida.audit.head"  # session.info key: the newest hash this transaction chained to


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction) -> None:
    """The transaction or a savepoint ended: the hash remembered may have been rolled back. (Not
    the inner "subtransaction" every flush opens: a failed flush fails the whole transaction.)"""
    if transaction.nested or transaction.parent is None:
        session.info.pop(_HEAD, None)


@lru_cache(maxsize=1)
def _statements():
    """The four statements of an append, built once (Core, with bound parameters): building and
    keying a statement per call cost more than running it."""
    from zhida.audit.tables import AuditEntry
    from zhida.web.tables import AuditHead

    log, head = AuditEntry.__table__, AuditHead.__table__
    return (update(head).where(head.c.id == 1).values(last_id=head.c.last_id).returning(head.c.last_hash),
            insert(log).returning(log.c.id),
            update(log).where(log.c.id == bindparam("entry_id")).values(hash=bindparam("entry_hash")),
            update(head).where(head.c.id == 1).values(last_id=bindparam("entry_id"), last_hash=bindparam("entry_hash")))


def append(session: Session, entry) -> None:
    """Chain a new (unflushed) AuditEntry after the newest one, in the caller's transaction.

    The head row is written first: that takes the lock (PostgreSQL row lock, SQLite write lock)
    so concurrent appends from any process chain one after another, never both after the same.
    The lock is held to the end of the transaction, so later appends of the same transaction
    chain to the hash remembered in the session (forgotten when the transaction or any savepoint
    ends) instead of reading the head again; the entry is written with Core statements (INSERT …
    RETURNING id, then its hash, which covers the id), not through the unit of work."""
    lock_head, insert_entry, set_hash, move_head = _statements()
    session.flush()  # the change being audited is written before its entry
    connection = session.connection()
    last_hash = session.info.get(_HEAD)
    if last_hash is None:
        last_hash = connection.execute(lock_head).scalar_one()
    entry.prev_hash = last_hash
    fields = {name: getattr(entry, name) for name in FIELDS if name != "id"}
    entry.id = connection.execute(insert_entry, {**fields, "prev_hash": last_hash}).scalar_one()
    entry.hash = entry_hash(_fields(entry), last_hash)
    moved = {"entry_id": entry.id, "entry_hash": entry.hash}
    connection.execute(set_hash, moved)
    connection.execute(move_head, moved)
    session.info[_HEAD] = entry.hash


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
