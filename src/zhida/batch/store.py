"""Batch runs in the store: the run row's life cycle, totals, eligible pairs; the store as input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import func, insert, select, update

from zhida.batch.tables import COMPLETE, FAILED, RUNNING, BatchMeasureTotal, BatchResult, BatchRun
from zhida.errors import DataError

AUTO_PAIRS = 500_000  # above this many eligible pairs, store totals only (the Parquet has them all)
CHUNK = 20_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _opened(store):
    """(store, whether we opened it): a Store is used as given; a URL or None (configured) is opened."""
    from zhida.store import open_store
    from zhida.store.database import Store

    return (store, False) if isinstance(store, Store) else (open_store(store), True)


class Recorder:
    """Writes one run's row: ``running`` at start, ``complete`` (with results) or ``failed``.

    ``store``: an open Store (left open), a URL or None (the configured store; closed by ``close``)."""

    def __init__(self, store=None):
        self.store, self._owned = _opened(store)
        self.run_id: int | None = None

    def start(self, key: str, as_of: dt.date, engine: str, source: str, out_dir: str,
              job_id: str | None = None) -> int:
        with self.store.transaction() as s:
            run = BatchRun(run_key=key, status=RUNNING, as_of=as_of, engine=engine, input=source, out_dir=out_dir,
                           started_at=_now(), job_id=job_id)
            s.add(run)
            s.flush()
            self.run_id = run.id
        return self.run_id

    def complete(self, run, totals: list[dict], store_pairs: bool) -> int:
        """Totals, eligible pairs and the status change in ONE transaction."""
        with self.store.transaction() as s:
            s.execute(insert(BatchMeasureTotal), [
                {"run_id": self.run_id, "measure_id": t["measure_id"], "benefit": t["benefit"],
                 "eligible": t["eligible"], "ineligible": t["ineligible"], "undetermined": t["undetermined"],
                 "not_applicable": t["not_applicable"], "amount_total": t["amount_total"],
                 "amount_known": t["amount_known"]} for t in totals])
            if store_pairs:
                for chunk in eligible_pairs(run):
                    s.execute(insert(BatchResult), [{"run_id": self.run_id, **row} for row in chunk])
            s.execute(update(BatchRun).where(BatchRun.id == self.run_id).values(
                status=COMPLETE, finished_at=_now(), enterprises=run.manifest["enterprises"],
                measures=len(run.manifest["measures"])))
        return self.run_id

    def fail(self, error: str) -> None:
        if self.run_id is None:
            return
        try:
            with self.store.transaction() as s:
                s.execute(update(BatchRun).where(BatchRun.id == self.run_id).values(
                    status=FAILED, finished_at=_now(), error=error[:2000]))
        except Exception:  # the original error matters more than this bookkeeping
            pass

    def close(self) -> None:
        if self._owned:
            self.store.close()


def eligible_pairs(run):
    """(measure, uscc, amount) of every eligible pair, in chunks of dicts."""
    from zhida.batch.engines import STATUS_CODES
    from zhida.batch.summary import connect

    from zhida.batch.packed import pairs_sql

    ids = [m["id"] for m in run.manifest["measures"]]
    con = connect()
    pairs = pairs_sql(con, run.results_glob(), run.manifest["measures"], (STATUS_CODES["eligible"],),
                      columns=("measure", "uscc", "amount"))
    cur = con.execute(f"SELECT measure, uscc, amount FROM {pairs} ORDER BY measure, uscc")
    while rows := cur.fetchmany(CHUNK):
        yield [{"measure_id": ids[i], "uscc": u, "status": "eligible", "amount": amount, "failing": None}
               for i, u, amount in rows]


def latest_complete_run(store=None, source: str | None = None) -> BatchRun | None:
    """The newest run whose row is complete (running and failed runs are never read); ``source``:
    only runs of that input (``"store"``: the store's own enterprises). ``store`` as for Recorder."""
    store, owned = _opened(store)
    query = select(BatchRun).where(BatchRun.status == COMPLETE)
    if source is not None:
        query = query.where(BatchRun.input == source)
    try:
        with store.transaction() as s:
            return s.scalars(query.order_by(BatchRun.finished_at.desc(), BatchRun.id.desc()).limit(1)).first()
    finally:
        if owned:
            store.close()


def previous_complete_run(run_key: str, store=None, source: str | None = None) -> BatchRun | None:
    """The complete run finished before the one keyed ``run_key`` (same ``source``): what a
    dashboard's trend compares with. ``store`` as for Recorder."""
    store, owned = _opened(store)
    try:
        with store.transaction() as s:
            current = s.scalars(select(BatchRun).where(BatchRun.run_key == run_key)).first()
            if current is None or current.finished_at is None:
                return None
            query = select(BatchRun).where(BatchRun.status == COMPLETE, BatchRun.id != current.id,
                                           BatchRun.finished_at <= current.finished_at)
            if source is not None:
                query = query.where(BatchRun.input == source)
            return s.scalars(query.order_by(BatchRun.finished_at.desc(), BatchRun.id.desc()).limit(1)).first()
    finally:
        if owned:
            store.close()


def export_enterprises(out: Path, as_of: dt.date, store=None,
                       progress: Callable[[int, int], None] | None = None, policies=None) -> Path:
    """The store's enterprises → a facts Parquet (as of ``as_of``), the engines' input.

    ``store``: an open Store, a URL or None (the configured store). ``progress(done, total)`` after
    each chunk; an exception it raises (a cancelled web job) stops the export."""
    from zhida.enterprises.facts import arrow_schema, profiles_to_table
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise

    from zhida.matching.match import load_default_policies
    from zhida.rules.engine import judged_ids

    store, owned = _opened(store)
    policies = policies or load_default_policies()
    judged = judged_ids(list(policies.measures.values()))  # open__<id> columns, NULL = not judged
    writer = pq.ParquetWriter(out, arrow_schema(judgements=judged), compression="zstd")
    count = 0
    try:
        with store.transaction() as s:
            total = s.scalar(select(func.count(Enterprise.id))) or 0
            result = s.execute(select(Enterprise.profile_json).order_by(Enterprise.id)).yield_per(CHUNK)
            for chunk in result.partitions(CHUNK):
                profiles = [EnterpriseProfile.model_validate(row[0]) for row in chunk]
                writer.write_table(profiles_to_table(profiles, as_of, judgements=judged).cast(writer.schema))
                count += len(profiles)
                if progress:
                    progress(count, total)
    finally:
        writer.close()
        if owned:
            store.close()
    if count == 0:
        raise DataError("store", "no enterprises: import some (`zhida enterprises import`) or pass --input")
    return out
