"""SQLite writers of ``Store.retrying`` wait in line on a lock beside the database (threads of a
process on a threading lock, processes on an flock): held for exactly the writing transaction,
re-entrant within a thread, and not taken for PostgreSQL or an in-memory database."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest

from zhida.store import open_store
from zhida.store.writer_lock import WriterLock


def _taken(path) -> bool:
    """Whether some other open file holds the flock (probed without waiting)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_held_for_the_writing_transaction_only(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    lock = tmp_path / "w.sqlite3-writer.lock"
    seen = []
    try:
        store.retrying(lambda session: seen.append(_taken(lock)))
        assert seen == [True]
        assert not _taken(lock)  # released with the commit
        with pytest.raises(ZeroDivisionError):
            store.retrying(lambda session: 1 / 0)
        assert not _taken(lock)  # and with a rollback
        with store.transaction():  # a plain read does not queue
            assert not _taken(lock)
    finally:
        store.close()


def test_reentrant_within_a_thread_and_exclusive_between_threads(tmp_path):
    writer = WriterLock(str(tmp_path / "db"))
    inside, release = threading.Event(), threading.Event()
    order = []

    def first():
        with writer.held():
            with writer.held():  # nested: no deadlock
                order.append("first")
                inside.set()
                release.wait(60)
            assert _taken(writer.path)  # the inner exit kept the outer hold
            order.append("first, outer")

    def second():
        inside.wait(60)
        with writer.held():
            order.append("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    inside.wait(60)
    assert _taken(writer.path)
    release.set()
    for t in threads:
        t.join(60)
    assert order == ["first", "first, outer", "second"]
    assert not _taken(writer.path)


def test_no_file_for_a_database_in_memory():
    assert WriterLock(":memory:").path is None
    assert WriterLock(None).path is None
    with WriterLock(None).held():
        pass
