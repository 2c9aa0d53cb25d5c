"""Background jobs (batch runs) in threads, with progress the API can poll.

A batch job is a zhida.batch run (DuckDB in-process) over the store's enterprises, recorded in
the store like `zhida batch`; its run directory goes to ``out_dir`` (default
``$ZHIDA_HOME/batch``, where `zhida pushlist latest` finds it). A job's results become visible
only when the run is complete: an interrupted or failed run never replaces the last complete one
(the run directory appears whole or not at all, see zhida.batch.runner). After a restart the
newest complete run of the store's enterprises is shown again.

Job state lives in the store (table ``web_jobs``), so every worker process of `zhida serve
--workers N` lists the same jobs with the same progress. The process running a job holds its
lease (zhida.jobs.lease: renewed by a heartbeat thread) and writes its progress at most every
``SAVE_EVERY`` seconds; a cancel sent to any process reaches it through ``cancel_requested``. A
process that dies stops renewing: whichever process looks next (listing, starting, cancelling,
starting up) marks the job and its batch run ``interrupted``, and a new batch may start. At most
one batch is active: a partial unique index on ``web_jobs`` makes the second of two simultaneous
starts (in two processes) fail, and that start answers the job under way instead.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from zhida.batch.runner import FACTS, Run
from zhida.store.schema import WebJob
from zhida.batch import population
from zhida.jobs import lease as job_lease
from zhida.jobs.errors import user_message

ACTIVE = job_lease.ACTIVE
SAVE_EVERY = 0.5  # seconds between progress writes of a running job
STALE_AFTER = timedelta(seconds=60)  # a job from before leases, without a heartbeat this long, has died
REAP_EVERY = 1.0  # seconds: reads look for dead jobs at most this often per process


class Cancelled(Exception):
    pass


@dataclass
class BatchResult:
    job_id: str  # the web job, or the run key of a run restored from the store
    run: Run
    finished_at: datetime

    @property
    def as_of(self) -> date:
        return self.run.as_of

    @property
    def enterprises(self) -> int:
        return int(self.run.manifest["enterprises"])

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Measure id → enterprises per status (eligible, ineligible, undetermined, not_applicable)."""
        return {t["measure_id"]: t for t in self.run.manifest["totals"]["measures"]}

    @property
    def parquet(self) -> Path:
        return self.run.results


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    created_by: str
    status: str = "queued"  # queued | running | completed | failed | cancelled | interrupted
    stage: str = ""
    done: int = 0
    total: int = 0
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    cancel_requested: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)  # in the running process
    _saved_at: float = field(default=0.0, repr=False)
    _saved_stage: str | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "stage": self.stage, "done": self.done,
                "total": self.total, "progress": round(self.done / self.total, 4) if self.total else 0.0,
                "params": self.params, "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None, "error": self.error,
                "summary": self.summary, "cancel_requested": self.cancel_requested or self.cancel.is_set()}

    @classmethod
    def from_row(cls, row: WebJob) -> Job:
        return cls(row.id, row.kind, row.params, row.created_by, row.status, row.stage, row.done, row.total,
                   _aware(row.created_at), _aware(row.finished_at), row.error, row.summary, row.cancel_requested)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for what was written in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class JobRegistry:
    def __init__(self, out_dir: Path | None = None, store=None):
        self.out_dir = out_dir  # None: $ZHIDA_HOME/batch, resolved when a batch runs
        self.store = store  # job state, and the last complete run after a restart
        self._latest: BatchResult | None = None
        self._lock = threading.Lock()
        self._reaped_at = 0.0
        if store is not None:
            mark_interrupted(store)

    def reap(self, force: bool = False) -> None:
        """Mark jobs of dead processes interrupted (throttled for reads unless ``force``)."""
        moment = time.monotonic()
        if self.store is None or (not force and moment - self._reaped_at < REAP_EVERY):
            return
        self._reaped_at = moment
        job_lease.reap(self.store)

    @property
    def latest(self) -> BatchResult | None:
        """The newest complete batch of the store, whichever process ran it."""
        if self.store is not None:
            row = _latest_row(self.store)
            if row is not None and (self._latest is None or self._latest.run.key != row.run_key):
                self._latest = _restored(row) or self._latest
        return self._latest

    @latest.setter
    def latest(self, result: BatchResult | None) -> None:
        self._latest = result

    def get(self, job_id: str) -> Job | None:
        if self.store is None:
            return None
        self.reap()
        with self.store.transaction() as session:
            row = session.get(WebJob, job_id)
            return Job.from_row(row) if row is not None else None

    def all(self, kind: str = "batch") -> list[Job]:
        """Every job of ``kind``, newest first."""
        if self.store is None:
            return []
        self.reap()
        with self.store.transaction() as session:
            rows = session.scalars(select(WebJob).where(WebJob.kind == kind)
                                   .order_by(WebJob.created_at.desc(), WebJob.id))
            return [Job.from_row(r) for r in rows]

    def running(self) -> Job | None:
        return next((j for j in self.all() if j.active), None)

    def newest(self) -> Job | None:
        """The job under way, else the last one started."""
        jobs = self.all()
        return next((j for j in jobs if j.active), jobs[0] if jobs else None)

    def request_cancel(self, job_id: str) -> bool:
        """Ask the process running ``job_id`` to stop; False when the job is no longer active.
        A job whose process has died is marked cancelled at once."""
        changed = self.store.retrying(lambda session: session.execute(
            update(WebJob).where(WebJob.id == job_id, WebJob.status.in_(ACTIVE))
            .values(cancel_requested=True)).rowcount)
        self.reap(force=True)
        return changed == 1

    def start_batch(self, store, as_of: date, created_by: str, created_by_id: int | None = None) -> Job:
        with self._lock:
            self.store = self.store or store
            self.reap(force=True)  # a dead process's job does not block a new batch
            busy = self.running()
            if busy is not None:
                return busy  # one batch at a time: the caller polls the one under way
            try:
                job = self._created(store, as_of, created_by, created_by_id)
            except IntegrityError:  # another process started one at the same instant
                busy = self.running()
                if busy is None:
                    raise
                return busy
        thread = threading.Thread(target=self._run_batch, args=(job, store, as_of), daemon=True,
                                  name=f"zhida-batch-{job.id}")
        thread.start()
        return job

    def run_batch_now(self, store, as_of: date, created_by: str) -> Job:
        """Synchronously (the demo command and tests)."""
        self.store = self.store or store
        job = self._created(store, as_of, created_by)
        self._run_batch(job, store, as_of)
        return job

    def _created(self, store, as_of: date, created_by: str, created_by_id: int | None = None) -> Job:
        job = Job(uuid.uuid4().hex[:12], "batch", {"as_of": as_of.isoformat()}, created_by)
        create(store, job, created_by_id)
        return job

    def _save(self, job: Job, store, force: bool = False) -> None:
        """Write ``job``'s progress (throttled unless ``force`` or a new stage) and pick up a cancel
        request made through any process."""
        now = time.monotonic()
        if not force and job.stage == job._saved_stage and now - job._saved_at < SAVE_EVERY:
            return
        job._saved_at, job._saved_stage = now, job.stage
        save(store, job)

    def _run_batch(self, job: Job, store, as_of: date) -> None:
        from zhida import config
        from zhida.batch.engines import DuckDBEngine
        from zhida.batch.runner import run_batch
        from zhida.matching.match import load_default_policies

        def checkpoint() -> None:
            self._save(job, store)
            if job.cancel.is_set():
                raise Cancelled()

        job.status = "running"
        heartbeat = job_lease.Heartbeat(store, job.id, job.cancel.set)
        try:
            heartbeat.__enter__()
            key = population.state_key(store, as_of)

            def exported(done: int, total: int) -> None:
                job.stage, job.done, job.total = "读取企业画像", done, total
                checkpoint()

            def matched(fraction: float) -> None:
                job.stage, job.done = "批量匹配", round(fraction * job.total)
                checkpoint()

            job.stage = "读取企业画像"
            self._save(job, store, force=True)  # a cancel already requested stops the run at its first progress
            outcome = run_batch(as_of, self.out_dir or config.home() / "batch", engine=DuckDBEngine(), policies=load_default_policies(),
                                store_url=store, store_pairs=False, pushlists=False, progress=matched,
                                export_progress=exported, job_id=job.id)
            population.remember(key, outcome.run.path / FACTS)  # what-ifs reuse these facts
            result = BatchResult(job.id, outcome.run, datetime.now(UTC))
            self.latest = result  # only now does the new batch replace the last complete one
            job.summary = {"enterprises": result.enterprises, "measures": len(outcome.run.manifest["measures"]),
                           "eligible_pairs": sum(c["eligible"] for c in result.counts.values()),
                           "as_of": as_of.isoformat(), "run": outcome.run.key,
                           "engine_seconds": round(outcome.engine_seconds, 2)}
            job.done = job.total = result.enterprises
            job.status, job.stage = "completed", "完成"
        except Cancelled:
            job.status, job.stage = "cancelled", "已取消"
        except Exception as exc:  # noqa: BLE001 - reported through the job in Chinese, logged with its trace
            job.status, job.error = "failed", user_message(exc, "批量匹配")
        finally:
            heartbeat.__exit__(None, None, None)
            job.finished_at = datetime.now(UTC)
            try:
                self._save(job, store, force=True)
            except Exception:  # noqa: BLE001 - the lease runs out and any process marks it interrupted
                traceback.print_exc()


def create(store, job: Job, created_by_id: int | None = None) -> None:
    """Insert ``job`` holding its lease (IntegrityError: a second active batch)."""
    def work(session):
        session.add(WebJob(id=job.id, kind=job.kind, status=job.status, stage=job.stage, done=0, total=0,
                           params=job.params, created_by=job.created_by, created_by_id=created_by_id,
                           created_at=job.created_at, updated_at=job.created_at, summary=job.summary,
                           cancel_requested=False, lease_until=job_lease.expiry(), owner=job_lease.owner_id()))

    store.retrying(work)


def save(store, job: Job) -> None:
    """Write ``job``'s progress (renewing its lease) and pick up a cancel asked through any process."""
    def work(session):
        row = session.get(WebJob, job.id)
        if row is None:  # a job made outside the registry (tests): nothing to share
            return
        row.status, row.stage, row.done, row.total = job.status, job.stage[:64], job.done, job.total
        row.finished_at, row.error, row.summary = job.finished_at, job.error, job.summary
        row.updated_at = datetime.now(UTC)
        if job.status in ACTIVE:
            row.lease_until, row.owner = job_lease.expiry(), job_lease.owner_id()
        if row.cancel_requested:
            job.cancel.set()

    store.retrying(work)


def mark_interrupted(store) -> int:
    """At start-up: jobs of processes that died — lease run out, or (jobs from before leases) no
    heartbeat for ``STALE_AFTER`` — marked interrupted with their batch runs and imports."""
    cutoff = datetime.now(UTC) - STALE_AFTER
    legacy = store.retrying(lambda session: session.execute(
        update(WebJob).where(WebJob.status.in_(ACTIVE), WebJob.lease_until.is_(None), WebJob.updated_at < cutoff)
        .values(status="interrupted", stage="进程已退出", finished_at=datetime.now(UTC))).rowcount)
    return legacy + len(job_lease.reap(store))


def _latest_row(store):
    from zhida.batch.store import latest_complete_run

    return latest_complete_run(store, source="store")


def _restored(row) -> BatchResult | None:
    """A complete run (its store row) as a result, if its directory is still there."""
    from zhida.batch.runner import open_run
    from zhida.errors import DataError

    try:
        run = open_run(Path(row.out_dir))
    except (DataError, OSError, ValueError, KeyError):
        return None
    return BatchResult(row.run_key, run, row.finished_at or datetime.now(UTC))
