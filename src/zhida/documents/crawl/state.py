"""What a crawl has fetched, kept in a small SQLite file so an interrupted crawl resumes.

A *run* is one crawl of a set of start URLs. Every URL met (a listing or a document) is a row:
when it was last fetched, in which run, with which ETag / Last-Modified / sha256. A URL done in
the current run is never asked for again in that run; a later run asks conditionally. Each row
is committed as soon as its URL is handled, so stopping at any point loses nothing done.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, seeds TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, discovered_run INTEGER NOT NULL, done_run INTEGER,
    status TEXT, etag TEXT, last_modified TEXT, sha256 TEXT, path TEXT, retrieved_at TEXT, error TEXT,
    position INTEGER NOT NULL
);
"""


@dataclass
class Seen:
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    path: str | None
    retrieved_at: str | None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CrawlState:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit: each write is durable at once
        self.db.executescript(_SCHEMA)
        self.run: int | None = None
        self.resumed = False

    def close(self) -> None:
        self.db.close()

    def begin(self, seeds: list[str]) -> int:
        """The unfinished run of these start URLs (resumed), or a new one."""
        key = json.dumps(sorted(seeds), ensure_ascii=False)
        row = self.db.execute("SELECT id FROM runs WHERE seeds = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
                              (key,)).fetchone()
        if row:
            self.run, self.resumed = row[0], True
        else:
            self.run = self.db.execute("INSERT INTO runs (seeds, started_at) VALUES (?, ?)", (key, now())).lastrowid
        return self.run

    def finish(self) -> None:
        self.db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (now(), self.run))

    def add(self, url: str, kind: str) -> None:
        """Put ``url`` on this run's list (once; a URL known from an earlier run is listed again)."""
        position = self.db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM urls").fetchone()[0]
        self.db.execute(
            "INSERT INTO urls (url, kind, discovered_run, position) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET discovered_run = excluded.discovered_run, position = excluded.position "
            "WHERE urls.discovered_run < excluded.discovered_run",
            (url, kind, self.run, position),
        )

    def next_pending(self) -> Seen | None:
        row = self.db.execute(
            "SELECT url, kind, etag, last_modified, sha256, path, retrieved_at FROM urls "
            "WHERE discovered_run = ? AND (done_run IS NULL OR done_run < ?) ORDER BY position LIMIT 1",
            (self.run, self.run),
        ).fetchone()
        return Seen(*row) if row else None

    def done(self, url: str, status: str, *, etag=None, last_modified=None, sha256=None, path=None,
             retrieved_at=None, error=None) -> None:  # fmt: skip
        """Record the outcome; fields not given keep what an earlier run stored (a 304 keeps all)."""
        self.db.execute(
            "UPDATE urls SET done_run = ?, status = ?, etag = COALESCE(?, etag), "
            "last_modified = COALESCE(?, last_modified), sha256 = COALESCE(?, sha256), path = COALESCE(?, path), "
            "retrieved_at = COALESCE(?, retrieved_at), error = ? WHERE url = ?",
            (self.run, status, etag, last_modified, sha256, path, retrieved_at, error, url),
        )

    def outcomes(self) -> dict[str, str]:
        rows = self.db.execute("SELECT url, status FROM urls WHERE done_run = ?", (self.run,))
        return dict(rows.fetchall())
