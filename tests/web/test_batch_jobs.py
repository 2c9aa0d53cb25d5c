"""The web's batch jobs as zhida.batch runs: a cancelled job leaves nothing behind and never
replaces the last complete batch; after a restart the last complete batch is shown again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from zhida.batch.runner import complete_runs
from zhida.batch.tables import BatchRun
from zhida.enterprises.generate import generate, store_population
from zhida.store import open_store
from zhida.web.jobs import Job, JobRegistry

AS_OF = dt.date(2022, 12, 31)


def test_cancelled_job_keeps_the_last_batch_and_a_restart_restores_it(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    try:
        store_population(generate(60, 3, AS_OF), store)
        runs = tmp_path / "batch"
        registry = JobRegistry(out_dir=runs, store=store)
        assert registry.latest is None  # nothing ran yet
        first = registry.run_batch_now(store, AS_OF, "test")
        assert first.status == "completed" and registry.latest.enterprises == 60

        cancelled = Job("cancelled1", "batch", {}, "test")
        cancelled.cancel.set()
        registry._run_batch(cancelled, store, AS_OF)
        assert cancelled.status == "cancelled" and cancelled.finished_at is not None
        assert registry.latest.job_id == first.id  # the complete batch stays
        assert [r.key for r in complete_runs(runs)] == [first.summary["run"]]
        assert not list(runs.glob(".*.partial"))  # nothing half-written survives
        with store.sessions() as session:
            statuses = sorted(session.scalars(select(BatchRun.status)))
        assert statuses == ["complete", "failed"]

        restarted = JobRegistry(out_dir=runs, store=store)  # a new process over the same store
        assert restarted.latest.run.key == first.summary["run"]
        assert restarted.latest.counts == registry.latest.counts
    finally:
        store.close()
