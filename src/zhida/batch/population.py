"""The stored enterprises as the batch engine's input: a facts Parquet per as-of date and store state.

No evaluation here: batch jobs, push lists and what-ifs all run zhida.batch. Exporting the
store's profiles to facts (zhida.batch.store.export_enterprises) is the slow part of a what-if,
so the file is kept while the store is unchanged, and a batch job hands over the facts it
exported (``remember``). "Unchanged" is read from the database, so an edit or import made by
any process (another ``--workers`` process, the command line) is seen: enterprises are only
added (count, last id) or changed through audited writes (the last audit id of enterprises).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import column, func, select, table

from zhida.enterprises.tables import Enterprise
from zhida.store.database import Store

_FILES: dict[tuple, Path] = {}
_LOCK = threading.Lock()
_DIRECTORY: list[Path] = []
_ENTERPRISE_WRITES = ("enterprise", "enterprise_import")  # audit entities that change profiles
# the audit log's two columns read here (the table is declared with the web's accounts, zhida.web.tables)
_AUDIT = table("audit_log", column("id"), column("entity"))


def state_key(store: Store, as_of: date) -> tuple:
    """Changes whenever enterprises are added, edited or imported, by any process. Taken before
    an export: if the store changes during it, the file is kept under the old key and never
    found again."""
    with store.sessions() as session:
        count, last = session.execute(select(func.count(Enterprise.id), func.max(Enterprise.id))).one()
        edited = session.scalar(select(func.max(_AUDIT.c.id)).where(_AUDIT.c.entity.in_(_ENTERPRISE_WRITES)))
    return (id(store), count, last, edited, as_of)


def remember(key: tuple, path: Path) -> None:
    """Facts exported elsewhere (a batch run's own ``facts.parquet``) for the state ``key``."""
    with _LOCK:
        _FILES.clear()  # one population at a time is plenty
        _FILES[key] = path


def facts_file(store: Store, as_of: date) -> Path:
    """The facts Parquet of the store's enterprises on ``as_of`` (exported once per store state).

    The export is also kept under ``$ZHIDA_HOME/facts/`` named by the store's state and the facts'
    columns (``kept_path``), so another process (`zhida simulate`, a restarted server, the other
    ``--workers``) reuses it instead of reading every profile again."""
    from zhida.batch.store import export_enterprises

    key = state_key(store, as_of)
    with _LOCK:  # one export at a time; concurrent what-ifs wait for it and reuse it
        known = _FILES.get(key)
        if known is not None and known.is_file():
            return known
        kept = kept_path(store, key)
        if kept.is_file():
            _FILES.clear()
            _FILES[key] = kept
            return kept
        path = _directory() / f"facts-{uuid.uuid4().hex[:8]}.parquet"
        try:
            export_enterprises(path, as_of, store)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        _keep(path, kept, as_of)
        for old in _FILES.values():
            if old.parent == _directory():
                old.unlink(missing_ok=True)
        _FILES.clear()
        _FILES[key] = path
        return path


def kept_path(store: Store, key: tuple) -> Path:
    """Where the export for state ``key`` is kept: named by the database, the state (count, last id,
    last enterprise write, date) and the facts' columns (a changed catalogue or rule set is another file)."""
    import hashlib

    from zhida import config
    from zhida.enterprises.facts import arrow_schema
    from zhida.matching.match import load_default_policies
    from zhida.rules.engine import judged_ids

    judged = judged_ids(list(load_default_policies().measures.values()))  # as export_enterprises writes them
    schema = str(arrow_schema(judgements=judged)).encode()
    name = f"{store.engine.url.render_as_string(hide_password=True)}|{key[1:]}".encode()
    digest = hashlib.sha256(name + b"|" + schema).hexdigest()[:24]
    return config.home() / "facts" / f"facts-{key[-1]}-{digest}.parquet"


def _keep(path: Path, kept: Path, as_of: date) -> None:
    """A copy of ``path`` at ``kept`` (written aside, then renamed: readers never see half a file);
    older kept exports of the same date are removed. Best effort: a read-only home keeps nothing."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f".{kept.name}.{uuid.uuid4().hex[:6]}.part")
        shutil.copyfile(path, partial)
        partial.replace(kept)
        for old in kept.parent.glob(f"facts-{as_of}-*.parquet"):
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _directory() -> Path:
    if not _DIRECTORY:
        _DIRECTORY.append(Path(tempfile.mkdtemp(prefix="zhida-facts-")))
        atexit.register(shutil.rmtree, _DIRECTORY[0], True)
    return _DIRECTORY[0]
