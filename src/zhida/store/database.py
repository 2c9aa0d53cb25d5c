"""Opening a store: the engine (with SQLite made properly transactional) and Alembic upgrades."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from zhida import config
from zhida.errors import ZhidaError
from zhida.store.writer_lock import WriterLock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
T = TypeVar("T")


def create_store_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, json_serializer=json_dumps)
        _make_sqlite_transactional(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_dumps)


def json_dumps(value) -> str:
    # Chinese as UTF-8, not \uXXXX escapes: half the size for the extraction JSON.
    return json.dumps(value, ensure_ascii=False)


def _make_sqlite_transactional(engine: Engine) -> None:
    # pysqlite only opens a transaction lazily before DML; emitting BEGIN ourselves makes every
    # ingest (and every migration, DDL included) all-or-nothing. Recipe from the SQLAlchemy docs.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the ingest writer
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # IMMEDIATE (Store.retrying): take the write lock now, waiting for it like any lock. A
        # deferred transaction that read first and then writes while another process writes gets
        # SQLITE_BUSY at once, without waiting — the "database is locked" of concurrent jobs.
        immediate = connection.get_execution_options().get("zhida_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Run ``alembic upgrade head`` on this engine; returns (revision before, head)."""
    before = current_revision(engine)
    head = head_revision()
    if before != head:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    return before, head


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    upgraded_from: str | None = None  # set when opening ran migrations: the revision it found ("" if none)
    writer: WriterLock | None = None  # SQLite: writers of ``retrying`` wait in line (store.writer_lock)

    def __post_init__(self) -> None:
        if self.writer is None and self.dialect == "sqlite":
            self.writer = WriterLock(self.engine.url.database)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back entirely on any error."""
        with self.sessions.begin() as session:
            yield session

    def retrying(self, work: Callable[[Session], T], attempts: int = 10) -> T:
        """``work(session)`` in one transaction, tried again (with growing pauses) while the
        database is busy: SQLite's "database is locked" when two processes write at once,
        PostgreSQL's serialization failures. Any other error is raised at once."""
        for attempt in range(attempts):
            try:
                if self.dialect != "sqlite":
                    with self.transaction() as session:
                        return work(session)
                with self.writer.held(), \
                        self.engine.connect().execution_options(zhida_immediate=True) as connection, \
                        Session(bind=connection, expire_on_commit=False) as session, session.begin():
                    return work(session)
            except OperationalError as exc:
                if not is_busy(exc) or attempt == attempts - 1:
                    raise
                time.sleep(min(0.02 * 2 ** attempt, 1.0) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, auto_upgrade: bool = True) -> Store:
    """Open the configured store, bringing its schema to the latest migration first."""
    url = url or config.database_url()
    engine = create_store_engine(url)
    upgraded_from = None
    try:
        if auto_upgrade:
            before, head = upgrade(engine)
            upgraded_from = None if before == head else (before or "")
        elif current_revision(engine) != head_revision():
            raise ZhidaError("store", "schema is not up to date; run `zhida db upgrade`")
    except ZhidaError:
        engine.dispose()
        raise
    except Exception as exc:  # unreachable server, bad URL, locked file …
        engine.dispose()
        safe = make_url(url).render_as_string(hide_password=True)
        raise ZhidaError(f"store {safe}", f"cannot open ({str(exc).strip().splitlines()[0]})") from exc
    return Store(engine, sessionmaker(engine, expire_on_commit=False), upgraded_from)


def is_busy(exc: BaseException) -> bool:
    """A write that lost a race for the database and may simply be tried again."""
    text = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return "database is locked" in text or "database is busy" in text or code in ("40001", "40P01")
