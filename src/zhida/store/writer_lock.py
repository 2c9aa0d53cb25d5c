"""SQLite writers wait in line instead of polling.

SQLite has one write lock per database. A ``BEGIN IMMEDIATE`` that finds it taken does not wait on
it: its busy handler sleeps and tries again (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms …), so
under a burst of writes a waiting request wakes late, or loses the lock again to a later one — at
50 users the tail of the workflow actions was mostly such sleeps, not work. ``Store.retrying``
therefore takes this lock first: a ``threading.Lock`` among the process's threads and a blocking
``fcntl.flock`` on a file beside the database among the server's processes, both woken by the
kernel the moment the holder lets go. SQLite's own lock still decides who writes (a writer that
does not take this lock — a CLI command, a migration — is waited for as before); this only orders
the waiting. Hand-written because the file-lock library (``filelock``) polls too (sleep and retry),
which is what this replaces.

Re-entrant within a thread (a nested ``retrying`` on the same database does not deadlock itself);
the file is opened once per process (a forked worker opens its own)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: the threads still wait in line
    fcntl = None


class WriterLock:
    def __init__(self, database: str | None):
        self.path = Path(f"{database}-writer.lock") if database and database != ":memory:" else None
        self._threads = threading.Lock()
        self._local = threading.local()
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int | None:
        if self.path is None or fcntl is None:
            return None
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def held(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        with self._threads:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._local.depth = 1
            try:
                yield
            finally:
                self._local.depth = 0
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
