"""Login throttling per account and per client address, shared by every worker process.

Failures are counted in the store's ``login_failures`` table (one row per "account:<name>" and
per "address:<ip>"), so a second worker — or a restart — does not hand an attacker a fresh
budget. At the limit the key is locked, and each further failure after a lock doubles the next
lock (exponential backoff, capped). Failures are forgotten ``WINDOW`` after the last one (and the end of its lock);
a successful login clears its account's count (not the address's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from zhida.store.database import Store
from zhida.web.tables import LoginFailure

WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)  # rows untouched this long are deleted


@dataclass(frozen=True)
class Rule:
    prefix: str
    limit: int  # failures before the key is locked


ACCOUNT = Rule("account:", 5)
ADDRESS = Rule("address:", 30)


def _keys(username: str, address: str | None) -> list[tuple[Rule, str]]:
    keys = [(ACCOUNT, ACCOUNT.prefix + (username or "").strip().lower()[:150])]
    if address:
        keys.append((ADDRESS, ADDRESS.prefix + address[:150]))
    return keys


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive UTC
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def retry_after(store: Store, username: str, address: str | None) -> int | None:
    """Seconds until a login for this account from this address may be tried, or None (now)."""
    now = datetime.now(timezone.utc)
    keys = [key for _, key in _keys(username, address)]
    with store.sessions() as session:
        locks = session.scalars(select(LoginFailure.locked_until).where(LoginFailure.key.in_(keys))).all()
    waits = [_aware(lock) - now for lock in locks if lock is not None and _aware(lock) > now]
    return _seconds(max(waits)) if waits else None


def lock_for(failures: int, limit: int) -> timedelta | None:
    """The lock after the ``failures``-th failure: none below the limit, then 1 min, 2, 4 … 1 h."""
    if failures < limit:
        return None
    return min(FIRST_LOCK * (2 ** min(failures - limit, 20)), MAX_LOCK)


def record_failure(store: Store, username: str, address: str | None) -> int | None:
    """Count a failed login; returns the seconds of a lock it started (None: not locked)."""
    now = datetime.now(timezone.utc)
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert

    def count(session) -> timedelta | None:
        longest: timedelta | None = None
        for rule, key in _keys(username, address):
            # Creating the row (or finding it) first takes the write lock, so concurrent
            # failures from several workers are all counted.
            session.execute(insert(LoginFailure).values(key=key, failures=0, last_failure_at=now)
                            .on_conflict_do_nothing(index_elements=["key"]))
            row = session.execute(select(LoginFailure).where(LoginFailure.key == key)
                                  .with_for_update()).scalar_one()
            # forgotten only WINDOW after the last failure and the end of any lock
            seen = max(_aware(row.last_failure_at), _aware(row.locked_until) or _aware(row.last_failure_at))
            stale = seen < now - WINDOW
            failures = 1 if stale else row.failures + 1
            lock = lock_for(failures, rule.limit)
            session.execute(update(LoginFailure).where(LoginFailure.key == key).values(
                failures=failures, last_failure_at=now, locked_until=(now + lock) if lock else None))
            if lock and (longest is None or lock > longest):
                longest = lock
        session.execute(delete(LoginFailure).where(LoginFailure.last_failure_at < now - FORGET_AFTER))
        return longest

    longest = store.retrying(count)  # every failure counted, also when workers write at once
    return _seconds(longest) if longest else None


def record_success(store: Store, username: str) -> None:
    _, key = _keys(username, None)[0]
    store.retrying(lambda session: session.execute(delete(LoginFailure).where(LoginFailure.key == key)))


def wait_message(seconds: int) -> str:
    span = f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"
    return f"登录失败次数过多，请 {span}后再试"
