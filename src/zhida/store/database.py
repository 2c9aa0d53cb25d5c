"""Opening a store: the engine (with SQLite made properly transactional) and Alembic upgrades."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from zhida import config
from zhida.errors import ZhidaError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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
        connection.exec_driver_sql("BEGIN")


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

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back entirely on any error."""
        with self.sessions.begin() as session:
            yield session

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
