"""Keeping the clause search index in step with the database (an outbox), and where it lives.

The database is the authority; the tantivy index (``search_index``) is derived from it and can
always be rebuilt. Consistency without writing the index inside a database transaction:

- an ingest writes ``search_log`` rows ('remove' the replaced version, 'add' the new current one)
  in its own transaction, so the log holds exactly the committed changes;
- the index's state file records the last seq it applied, saved after tantivy's commit;
- after an ingest and before every search, pending rows are applied. Applying deletes every
  version named before adding the clauses of those whose last word is 'add', so applying the
  same rows twice (a crash between tantivy's commit and the state file) changes nothing.

One writer at a time (tantivy's lock file, across processes): who cannot get it searches what is
there and leaves the pending rows to the holder or the next search.

Where: for SQLite beside the file (``<file>.search/``), for PostgreSQL under ZHIDA_SEARCH_DIR
(default ``$ZHIDA_HOME/search``), one directory per server, database, schema and store instance.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from weakref import WeakKeyDictionary, WeakValueDictionary

from sqlalchemy import Engine, and_, func, insert, select, text
from sqlalchemy.orm import Session

from zhida import config
from zhida.errors import ZhidaError
from zhida.store.database import Store
from zhida.store.schema import ClauseRow, Document, DocumentVersion, SearchLogEntry, StoreInstance
from zhida.store.search_index import ClauseIndex, IndexRow, State, Writer

READ_BATCH = 2000  # clause rows fetched per round trip while (re)indexing
IN_LIST = 500  # version ids per IN (...) list

_registry = threading.Lock()
_by_engine: WeakKeyDictionary[Engine, tuple[ClauseIndex, str]] = WeakKeyDictionary()
_by_path: WeakValueDictionary[str, ClauseIndex] = WeakValueDictionary()


def record(session: Session, *, added: int, removed: int | None = None) -> None:
    """Log, inside the ingest's transaction, that ``added`` became current (replacing ``removed``)."""
    if session.get_bind().dialect.name == "postgresql":
        # seq must follow commit order, or a reader could apply seq 11 before 10 commits and never
        # look back. Taken last in the ingest, held only until its commit; readers are not blocked.
        session.execute(text("LOCK TABLE search_log IN EXCLUSIVE MODE"))
    entries = ([{"version_id": removed, "op": "remove"}] if removed is not None else []) + [
        {"version_id": added, "op": "add"}
    ]
    session.execute(insert(SearchLogEntry), entries)


def index_for(store: Store, session: Session | None = None) -> ClauseIndex:
    """The store's index, ready to search: pending log entries applied unless another writer is
    busy (then what it holds now). Opened once per process and database; ``session``, if given,
    asks whether anything is pending (saves a connection checkout per search)."""
    index, instance = _opened(store)
    if session is not None:
        ready = _up_to_date(session, index.state(), instance) or _catch_up(store, index, instance)
    else:
        ready = catch_up(store)
    if not ready:
        state = index.state()
        if state is None or state.instance != instance:
            raise ZhidaError("search", "the search index is being built by another process; try again shortly")
    index.reload()
    return index


def catch_up(store: Store, wait: float = 0.0) -> bool:
    """Apply pending log entries (or rebuild an index made for another database); False when
    another writer kept the index for ``wait`` seconds, leaving them to it."""
    index, instance = _opened(store)
    with store.sessions() as session:
        if _up_to_date(session, index.state(), instance):
            return True
    return _catch_up(store, index, instance, wait)


def _catch_up(store: Store, index: ClauseIndex, instance: str, wait: float = 0.0) -> bool:
    with index.writing(wait) as writer:
        if writer is None:
            return False
        state = index.state()  # again, under the lock: another process may have applied them
        if state is None or state.instance != instance:
            _rebuild(store, index, writer, instance)
        else:
            _apply(store, index, writer, state)
    return True


def reindex(store: Store, wait: float = 60.0) -> tuple[Path | None, int]:
    """Rebuild the index from the database; (where it is, how many clauses it holds)."""
    index, instance = _opened(store)
    with index.writing(wait) as writer:
        if writer is None:
            raise ZhidaError("search index", f"another process kept it busy for {wait:.0f} s; try again")
        _rebuild(store, index, writer, instance)
    return index.path, index.size()


def _up_to_date(session: Session, state: State | None, instance: str) -> bool:
    if state is None or state.instance != instance:
        return False
    return state.seq >= (session.scalar(select(func.max(SearchLogEntry.seq))) or 0)


def _apply(store: Store, index: ClauseIndex, writer: Writer, state: State) -> None:
    with store.sessions() as session:
        entries = session.execute(
            select(SearchLogEntry.seq, SearchLogEntry.version_id, SearchLogEntry.op)
            .where(SearchLogEntry.seq > state.seq)
            .order_by(SearchLogEntry.seq)
        ).all()
        if not entries:
            return
        last_word = {version_id: op for _, version_id, op in entries}
        writer.delete_versions(last_word)
        added = [version_id for version_id, op in last_word.items() if op == "add"]
        for start in range(0, len(added), IN_LIST):
            writer.add(_rows(session, ClauseRow.version_id.in_(added[start : start + IN_LIST])))
    index.commit(writer, State(state.instance, entries[-1][0]))


def _rebuild(store: Store, index: ClauseIndex, writer: Writer, instance: str) -> None:
    with store.sessions() as session:
        # The seq first: a version committed while the clauses are read is then applied again
        # by the next catch-up, which is harmless; the other order could miss one.
        seq = session.scalar(select(func.max(SearchLogEntry.seq))) or 0
        is_current = and_(
            Document.id == DocumentVersion.document_id, Document.current_version == DocumentVersion.version
        )
        current = select(DocumentVersion.id).join(Document, is_current)
        writer.delete_all()
        writer.add(_rows(session, ClauseRow.version_id.in_(current)))
    index.commit(writer, State(instance, seq))


def _rows(session: Session, condition) -> Iterator[IndexRow]:
    query = select(
        ClauseRow.id, ClauseRow.version_id, func.coalesce(ClauseRow.normalized, ClauseRow.text),
        ClauseRow.units, ClauseRow.beneficiaries,
    ).where(condition).execution_options(yield_per=READ_BATCH)
    for row in session.execute(query):
        yield IndexRow(*row)


def _opened(store: Store) -> tuple[ClauseIndex, str]:
    with _registry:
        opened = _by_engine.get(store.engine)
        if opened is None or _deleted(opened[0]):
            path, instance = _location(store)
            key = str(path) if path is not None else f"memory:{id(store.engine)}"
            index = _by_path.get(key)
            if index is None or _deleted(index):
                index = _by_path[key] = ClauseIndex(path)
            opened = _by_engine[store.engine] = (index, instance)
        return opened


def _deleted(index: ClauseIndex) -> bool:
    return index.path is not None and not index.path.is_dir()  # removed by hand: opened afresh


def _location(store: Store) -> tuple[Path | None, str]:
    url = store.engine.url
    with store.sessions() as session:
        instance = session.scalar(select(StoreInstance.id)) or ""
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                return None, instance
            return Path(url.database).resolve().with_name(Path(url.database).name + ".search"), instance
        schema = session.scalar(text("SELECT current_schema()"))
    place = f"{url.host}:{url.port}/{url.database}/{schema}/{instance}"
    digest = hashlib.sha256(place.encode("utf-8")).hexdigest()[:16]
    return config.search_dir() / f"{url.database}.{schema}.{digest}", instance
