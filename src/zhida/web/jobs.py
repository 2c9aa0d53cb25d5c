"""Background jobs (batch runs) in threads, with progress the API can poll.

A job's results become visible only when it completes: an interrupted or failed run never
replaces the last complete batch, and its Parquet file is written to a temporary name first.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhida.web import population


@dataclass
class BatchResult:
    job_id: str
    as_of: date
    finished_at: datetime
    members: dict[str, population.Member]
    eligible: dict[str, list[tuple[str, Decimal | None]]]  # measure id → (uscc, amount)
    counts: dict[str, Counter]  # measure id → status counts
    parquet: Path | None = None


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
    def __init__(self, out_dir: Path | None = None):
        self.jobs: dict[str, Job] = {}
        self.latest: BatchResult | None = None
        self.out_dir = out_dir
        self._lock = threading.Lock()

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
        from zhida.matching.match import load_default_policies

        job.status = "running"
        try:
            job.stage = "读取企业画像"

            def loaded(done: int, total: int) -> None:
                job.done, job.total = done, total

            members = population.members(store, as_of, progress=loaded, cancelled=job.cancel.is_set)
            measures = list(load_default_policies().measures.values())
            job.stage, job.done, job.total = "逐户匹配", 0, len(members)

            def matched(done: int) -> None:
                job.done = done

            outcomes = population.evaluate(members, as_of, measures, progress=matched, cancelled=job.cancel.is_set)
            job.done = len(members)
            result = _collect(job.id, as_of, members, outcomes)
            if self.out_dir is not None:
                result.parquet = _write_parquet(self.out_dir / f"batch-{job.id}.parquet", outcomes, members, as_of)
            self.latest = result  # only now does the new batch replace the last complete one
            eligible = sum(c["eligible"] for c in result.counts.values())
            job.summary = {"enterprises": len(members), "measures": len(measures), "eligible_pairs": eligible,
                           "as_of": as_of.isoformat()}
            job.status, job.stage = "completed", "完成"
        except population.Cancelled:
            job.status, job.stage = "cancelled", "已取消"
        except Exception as exc:  # noqa: BLE001 - reported through the job, logged with its trace
            traceback.print_exc()
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = datetime.now(UTC)


def _collect(job_id: str, as_of: date, members, outcomes) -> BatchResult:
    eligible: dict[str, list] = defaultdict(list)
    counts: dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        counts[o.measure_id][o.status] += 1
        if o.status == "eligible":
            eligible[o.measure_id].append((o.uscc, o.amount))
    return BatchResult(job_id, as_of, datetime.now(UTC), {m.uscc: m for m in members}, dict(eligible), dict(counts))


def _write_parquet(path: Path, outcomes, members, as_of: date) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    region = {m.uscc: m.region_code for m in members}
    industry = {m.uscc: m.industry_code for m in members}
    table = pa.table({
        "uscc": [o.uscc for o in outcomes],
        "region_code": [region[o.uscc] for o in outcomes],
        "industry_code": [industry[o.uscc] for o in outcomes],
        "measure_id": [o.measure_id for o in outcomes],
        "status": [o.status for o in outcomes],
        "amount": pa.array([o.amount for o in outcomes], type=pa.decimal128(18, 2)),
    }).replace_schema_metadata({"zhida.as_of": as_of.isoformat()})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    pq.write_table(table, partial)
    partial.replace(path)  # a file under the final name is always complete
    return path
