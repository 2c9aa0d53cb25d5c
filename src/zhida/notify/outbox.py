"""The e-mail outbox's life: rows are claimed with a lease (so two senders never send the same
row), then marked sent, or put back with a later next try and the error (backoff), or given up.

A claim is a conditional UPDATE per row — ``WHERE id = ? AND (pending and due, or sending with an
expired lease)`` — that counts only if it changed the row: on PostgreSQL a second sender's
UPDATE waits for the first and then no longer matches; on SQLite writers are serialized. So the
same row is claimed once per lease. A sender that dies after claiming leaves a lease that expires:
another sender takes the row over (it may then be sent again if the first had already handed it
to the server — the Message-ID, made from the outbox id, is the same, so mail clients show one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from zhida.notify.tables import FAILED, PENDING, SENDING, SENT, OutboxMail

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed try: 1, 2, 4, … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def new_owner() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: int
    address: str
    attempts: int


def _claimable(now: datetime):
    return or_(and_(OutboxMail.status == PENDING, OutboxMail.next_try_at <= now),
               and_(OutboxMail.status == SENDING, OutboxMail.lease_until < now))


def claim(store, owner: str, now: datetime, limit: int = 50) -> list[Claimed]:
    """Up to ``limit`` due rows, leased to ``owner`` until now + LEASE (each try counted)."""
    def work(session):
        candidates = session.scalars(select(OutboxMail.id).where(_claimable(now))
                                     .order_by(OutboxMail.next_try_at, OutboxMail.id).limit(limit)).all()
        claimed = []
        for row_id in candidates:
            changed = session.execute(
                update(OutboxMail).where(OutboxMail.id == row_id, _claimable(now))
                .values(status=SENDING, lease_owner=owner, lease_until=now + LEASE,
                        attempts=OutboxMail.attempts + 1)
                .execution_options(synchronize_session=False)).rowcount
            if changed == 1:
                row = session.get(OutboxMail, row_id, populate_existing=True)
                claimed.append(Claimed(row.id, row.message_id, row.address, row.attempts))
        return claimed

    return store.retrying(work)


def _mine(row_id: int, owner: str):
    return and_(OutboxMail.id == row_id, OutboxMail.status == SENDING, OutboxMail.lease_owner == owner)


def mark_sent(store, row_id: int, owner: str, now: datetime) -> bool:
    """False if the lease was lost meanwhile (another sender took the row over)."""
    return store.retrying(lambda session: session.execute(
        update(OutboxMail).where(_mine(row_id, owner))
        .values(status=SENT, sent_at=now, lease_owner=None, lease_until=None, last_error=None)
        .execution_options(synchronize_session=False)).rowcount == 1)


def mark_failed(store, row_id: int, owner: str, now: datetime, error: str, *, permanent: bool = False) -> str:
    """Put the row back for a later try (backoff), or give it up after MAX_ATTEMPTS or a permanent
    refusal; returns the new status."""
    def work(session):
        row = session.get(OutboxMail, row_id)
        if row is None or row.status != SENDING or row.lease_owner != owner:
            return row.status if row is not None else FAILED
        give_up = permanent or row.attempts >= MAX_ATTEMPTS
        row.status = FAILED if give_up else PENDING
        row.next_try_at = now if give_up else now + backoff(row.attempts)
        row.lease_owner, row.lease_until, row.last_error = None, None, error[:2000]
        return row.status

    return store.retrying(work)


def release(store, row_ids: list[int], owner: str, now: datetime, error: str) -> None:
    """Rows claimed but not tried (the server could not be reached): back with a later next try."""
    for row_id in row_ids:
        mark_failed(store, row_id, owner, now, error)


def counts(store) -> dict[str, int]:
    with store.transaction() as session:
        found = dict(session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status)).all())
    return {status: found.get(status, 0) for status in (PENDING, SENDING, SENT, FAILED)}
