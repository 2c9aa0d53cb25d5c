"""Batch runs in the store: the run row's life cycle, totals, eligible pairs; the store as input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import insert, select, update

from zhida.batch.tables import COMPLETE, FAILED, RUNNING, BatchMeasureTotal, BatchResult, BatchRun
from zhida.errors import DataError

AUTO_PAIRS = 500_000  # above this many eligible pairs, store totals only (the Parquet has them all)
CHUNK = 20_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Recorder:
    """Writes one run's row: ``running`` at start, ``complete`` (with results) or ``failed``."""

    def __init__(self, url: str | None = None):
        from zhida.store import open_store

        self.store = open_store(url)
        self.run_id: int | None = None

    def start(self, key: str, as_of: dt.date, engine: str, source: str, out_dir: str) -> int:
        with self.store.transaction() as s:
            run = BatchRun(run_key=key, status=RUNNING, as_of=as_of, engine=engine, input=source, out_dir=out_dir,
                           started_at=_now())
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
        self.store.close()


def eligible_pairs(run):
    """(measure, uscc, amount) of every eligible pair, in chunks of dicts."""
    from zhida.batch.engines import STATUS_CODES
    from zhida.batch.summary import connect

    ids = [m["id"] for m in run.manifest["measures"]]
    cur = connect().execute(f"SELECT measure, uscc, amount FROM read_parquet('{run.results_glob()}') "
                            f"WHERE status = {STATUS_CODES['eligible']} ORDER BY measure, uscc")
    while rows := cur.fetchmany(CHUNK):
        yield [{"measure_id": ids[i], "uscc": u, "status": "eligible", "amount": amount, "failing": None}
               for i, u, amount in rows]


def latest_complete_run(url: str | None = None) -> BatchRun | None:
    """The newest run whose row is complete (running and failed runs are never read)."""
    from zhida.store import open_store

    store = open_store(url)
    try:
        with store.transaction() as s:
            return s.scalars(select(BatchRun).where(BatchRun.status == COMPLETE)
                             .order_by(BatchRun.finished_at.desc(), BatchRun.id.desc()).limit(1)).first()
    finally:
        store.close()


def export_enterprises(out: Path, as_of: dt.date, url: str | None = None) -> Path:
    """The store's enterprises → a facts Parquet (as of ``as_of``), the engines' input."""
    from zhida.enterprises.facts import arrow_schema, profiles_to_table
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.store import open_store

    store = open_store(url)
    writer = pq.ParquetWriter(out, arrow_schema(), compression="zstd")
    count = 0
    try:
        with store.transaction() as s:
            result = s.execute(select(Enterprise.profile_json).order_by(Enterprise.id)).yield_per(CHUNK)
            for chunk in result.partitions(CHUNK):
                profiles = [EnterpriseProfile.model_validate(row[0]) for row in chunk]
                writer.write_table(profiles_to_table(profiles, as_of).cast(writer.schema))
                count += len(profiles)
    finally:
        writer.close()
        store.close()
    if count == 0:
        raise DataError("store", "no enterprises: import some (`zhida enterprises import`) or pass --input")
    return out
