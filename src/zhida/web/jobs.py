"""Background jobs (batch runs) in threads, with progress the API can poll.

A batch job is a zhida.batch run (DuckDB in-process) over the store's enterprises, recorded in
the store like `zhida batch`; its run directory goes to ``out_dir`` (default
``$ZHIDA_HOME/batch``, where `zhida pushlist latest` finds it). A job's results become visible
only when the run is complete: an interrupted or failed run never replaces the last complete one
(the run directory appears whole or not at all, see zhida.batch.runner). After a restart the
newest complete run of the store's enterprises is shown again.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from zhida.batch.runner import FACTS, Run
from zhida.web import population


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
    status: str = "queued"  # queued | running | completed | failed | cancelled
    stage: str = ""
    done: int = 0
    total: int = 0
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    cancel: threading.Event = field(default_factory=threading.Event)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "stage": self.stage, "done": self.done,
                "total": self.total, "progress": round(self.done / self.total, 4) if self.total else 0.0,
                "params": self.params, "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None, "error": self.error,
                "summary": self.summary}


class JobRegistry:
    def __init__(self, out_dir: Path | None = None, store=None):
        self.jobs: dict[str, Job] = {}
        self.out_dir = out_dir  # None: $ZHIDA_HOME/batch, resolved when a batch runs
        self._latest: BatchResult | None = None
        self._store = store  # to restore the last complete run after a restart
        self._lock = threading.Lock()

    @property
    def latest(self) -> BatchResult | None:
        if self._latest is None and self._store is not None:
            self._latest, self._store = _restored(self._store), None
        return self._latest

    @latest.setter
    def latest(self, result: BatchResult | None) -> None:
        self._latest, self._store = result, None

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def running(self) -> Job | None:
        return next((j for j in self.jobs.values() if j.status in ("queued", "running")), None)

    def start_batch(self, store, as_of: date, created_by: str) -> Job:
        with self._lock:
            busy = self.running()
            if busy is not None:
                return busy  # one batch at a time: the caller polls the one under way
            job = Job(uuid.uuid4().hex[:12], "batch", {"as_of": as_of.isoformat()}, created_by)
            self.jobs[job.id] = job
        thread = threading.Thread(target=self._run_batch, args=(job, store, as_of), daemon=True,
                                  name=f"zhida-batch-{job.id}")
        thread.start()
        return job

    def run_batch_now(self, store, as_of: date, created_by: str) -> Job:
        """Synchronously (the demo command and tests)."""
        job = Job(uuid.uuid4().hex[:12], "batch", {"as_of": as_of.isoformat()}, created_by)
        self.jobs[job.id] = job
        self._run_batch(job, store, as_of)
        return job

    def _run_batch(self, job: Job, store, as_of: date) -> None:
        from zhida import config
        from zhida.batch.engines import DuckDBEngine
        from zhida.batch.runner import run_batch
        from zhida.matching.match import load_default_policies

        job.status = "running"
        try:
            key = population.state_key(store, as_of)

            def exported(done: int, total: int) -> None:
                if job.cancel.is_set():
                    raise Cancelled()
                job.stage, job.done, job.total = "读取企业画像", done, total

            def matched(fraction: float) -> None:
                if job.cancel.is_set():
                    raise Cancelled()
                job.stage, job.done = "批量匹配", round(fraction * job.total)

            job.stage = "读取企业画像"
            outcome = run_batch(as_of, self.out_dir or config.home() / "batch", engine=DuckDBEngine(), policies=load_default_policies(),
                                store_url=store, store_pairs=False, pushlists=False, progress=matched,
                                export_progress=exported)
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
        except Exception as exc:  # noqa: BLE001 - reported through the job, logged with its trace
            traceback.print_exc()
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = datetime.now(UTC)


def _restored(store) -> BatchResult | None:
    """The newest complete run over the store's enterprises whose directory is still there."""
    from zhida.batch.runner import open_run
    from zhida.batch.store import latest_complete_run
    from zhida.errors import DataError

    row = latest_complete_run(store, source="store")
    if row is None:
        return None
    try:
        run = open_run(Path(row.out_dir))
    except (DataError, OSError, ValueError, KeyError):
        return None
    return BatchResult(row.run_key, run, row.finished_at or datetime.now(UTC))
