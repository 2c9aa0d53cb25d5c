"""The stored enterprises as the batch engine's input: a facts Parquet per as-of date and store state.

No evaluation here: batch jobs, push lists and what-ifs all run zhida.batch. Exporting the
store's profiles to facts (zhida.batch.store.export_enterprises) is the slow part of a what-if,
so the file is kept while the store is unchanged: a batch job hands over the facts it exported
(``remember``), and ``invalidate`` (after a profile is edited or imported) drops them all.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from zhida.enterprises.tables import Enterprise
from zhida.store.database import Store

_FILES: dict[tuple, Path] = {}
_LOCK = threading.Lock()
_GENERATION = [0]
_DIRECTORY: list[Path] = []


def state_key(store: Store, as_of: date) -> tuple:
    """Changes whenever enterprises are added, or ``invalidate`` was called (edits, imports)."""
    with store.sessions() as session:
        count, last = session.execute(select(func.count(Enterprise.id), func.max(Enterprise.id))).one()
    return (id(store), count, last, _GENERATION[0], as_of)


def invalidate() -> None:
    """Call after changing a stored profile: the exported facts are stale."""
    with _LOCK:
        _GENERATION[0] += 1
        _FILES.clear()


def remember(key: tuple, path: Path) -> None:
    """Facts exported elsewhere (a batch run's own ``facts.parquet``) for the state ``key``."""
    with _LOCK:
        if key[3] == _GENERATION[0]:  # not if the store was edited meanwhile
            _FILES.clear()  # one population at a time is plenty
            _FILES[key] = path


def facts_file(store: Store, as_of: date) -> Path:
    """The facts Parquet of the store's enterprises on ``as_of`` (exported once per store state)."""
    from zhida.batch.store import export_enterprises

    key = state_key(store, as_of)
    with _LOCK:  # one export at a time; concurrent what-ifs wait for it and reuse it
        known = _FILES.get(key)
        if known is not None and known.is_file():
            return known
        path = _directory() / f"facts-{uuid.uuid4().hex[:8]}.parquet"
        try:
            export_enterprises(path, as_of, store)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        for old in _FILES.values():
            if old.parent == _directory():
                old.unlink(missing_ok=True)
        _FILES.clear()
        _FILES[key] = path
        return path


def _directory() -> Path:
    if not _DIRECTORY:
        _DIRECTORY.append(Path(tempfile.mkdtemp(prefix="zhida-web-facts-")))
        atexit.register(shutil.rmtree, _DIRECTORY[0], True)
    return _DIRECTORY[0]
