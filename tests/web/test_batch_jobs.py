"""The web's batch jobs as zhida.batch runs: a cancelled job leaves nothing behind and never
replaces the last complete batch; after a restart the last complete batch is shown again. Job
state lives in the store: two app instances (two worker processes) over one store see the same
jobs, and a cancel sent to one stops the job the other runs."""

from __future__ import annotations

import datetime as dt
import time
from contextlib import closing

import pytest
from sqlalchemy import select, update

from zhida.batch.runner import complete_runs
from zhida.batch.tables import BatchRun
from zhida.enterprises.generate import generate, store_population
from zhida.store import open_store
from zhida.store.schema import WebJob
from zhida.web.app import create_app
from zhida.jobs.batch import Job, JobRegistry

from .conftest import prepare, serve

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
        assert registry.latest.run.key == first.summary["run"]  # the complete batch stays
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


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Two apps over one SQLite store, each served by its own uvicorn: two worker processes."""
    home = tmp_path_factory.mktemp("two-workers")
    url = f"sqlite:///{home / 'zhida.sqlite3'}"
    first, second = (create_app(url, secret=b"test-secret-" * 4) for _ in range(2))
    prepare(first)
    store_population(generate(60, 3, AS_OF), first.state.store)
    for app in (first, second):
        app.state.jobs.out_dir = home / "batch"
    with serve(first) as a, serve(second) as b:
        yield a, b


def _wait_finished(client, job_id: str) -> dict:
    for _ in range(600):
        view = client.get(f"/api/v1/jobs/{job_id}").json()
        if view["status"] not in ("queued", "running"):
            return view
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {view}")


def test_a_job_started_on_one_worker_is_seen_and_cancelled_through_the_other(two_workers):
    a, b = two_workers
    with closing(a.login("staff")) as on_a, closing(b.login("staff")) as on_b, closing(b.login("admin")) as admin_b:
        started = on_a.post("/api/v1/jobs/batch", json={"as_of": AS_OF.isoformat()})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        finished = _wait_finished(on_b, job_id)  # polled on the worker that did not start it
        assert finished["status"] == "completed"
        assert admin_b.get(f"/api/v1/jobs/{job_id}").json()["summary"]["enterprises"] == 60
        assert on_a.get(f"/api/v1/jobs/{job_id}").json() == finished
        assert on_b.get("/api/v1/jobs").json() == on_a.get("/api/v1/jobs").json()
        counts = on_b.get(f"/api/v1/jobs/{job_id}/results").json()  # results too, from the store
        # the 朝阳区 staff user counts their district only (issue 10 #7), the admin the whole city
        assert 0 < counts["enterprises"] == finished["summary"]["enterprises"] < 60 and counts["measures"]
        assert admin_b.get(f"/api/v1/jobs/{job_id}/results").json()["enterprises"] == 60

        # A job worker A is about to run; the cancel reaches it through the store from worker B.
        registry_a = a.app.state.jobs
        queued = registry_a._created(a.app.state.store, AS_OF, "staff")
        assert on_b.get(f"/api/v1/jobs/{queued.id}").json()["status"] == "queued"
        cancelled = on_b.post(f"/api/v1/jobs/{queued.id}/cancel")
        assert cancelled.status_code == 202, cancelled.text
        assert cancelled.json()["cancel_requested"] is True
        registry_a._run_batch(queued, a.app.state.store, AS_OF)
        assert queued.status == "cancelled"
        view = on_b.get(f"/api/v1/jobs/{queued.id}").json()
        assert view["status"] == "cancelled" and view["finished_at"] is not None
        again = admin_b.post(f"/api/v1/jobs/{queued.id}/cancel")
        assert again.status_code == 409, again.text
        # the previous complete batch is still what both workers serve
        assert on_b.get(f"/api/v1/jobs/{job_id}/results").json() == counts
        assert on_a.get(f"/api/v1/jobs/{job_id}/results").json() == counts
        assert on_b.post("/api/v1/jobs/nosuchjob/cancel").status_code == 404


def test_only_an_admin_or_the_staff_member_who_started_a_job_may_cancel_it(two_workers):
    a, b = two_workers
    job = a.app.state.jobs._created(a.app.state.store, AS_OF, "staff")
    path = f"/api/v1/jobs/{job.id}/cancel"
    try:
        with closing(b.login("ent_a")) as enterprise, closing(b.login("staff_units")) as other_staff, \
                b.client() as anonymous:
            assert enterprise.post(path).status_code == 403
            assert other_staff.post(path).status_code == 403
            assert anonymous.post(path).status_code in (401, 403)
            other_staff.headers.pop("X-CSRF-Token")
            assert other_staff.post(path).status_code == 403  # CSRF as for every unsafe method
        with closing(b.login("admin")) as admin:
            response = admin.post(path)
            assert response.status_code == 202, response.text
            assert response.json()["cancel_requested"] is True
    finally:
        with a.app.state.store.transaction() as session:  # leave no active job for other tests
            session.execute(update(WebJob).where(WebJob.id == job.id).values(status="cancelled"))


def test_the_push_page_offers_取消_for_the_job_under_way(two_workers):
    a, b = two_workers
    job = a.app.state.jobs._created(a.app.state.store, AS_OF, "staff")
    try:
        with closing(b.login("staff")) as staff, closing(b.login("staff_units")) as other_staff:
            progress = staff.get("/push/progress").text
            assert 'id="cancel-job"' in progress and f"/push/jobs/{job.id}/cancel" in progress
            assert 'id="cancel-job"' not in other_staff.get("/push/progress").text  # not theirs
            after = staff.post(f"/push/jobs/{job.id}/cancel", headers={"HX-Request": "true"})
            assert after.status_code == 200 and 'id="job-cancelling"' in after.text
            assert b.app.state.jobs.get(job.id).cancel_requested
    finally:
        with a.app.state.store.transaction() as session:
            session.execute(update(WebJob).where(WebJob.id == job.id).values(status="cancelled"))


def test_start_up_marks_jobs_without_a_heartbeat_interrupted(database_url, tmp_path):
    store = open_store(database_url)  # SQLite, and PostgreSQL with -m postgres
    try:
        registry = JobRegistry(out_dir=tmp_path / "batch", store=store)
        dead = registry._created(store, AS_OF, "staff")
        with store.transaction() as session:  # a job from before leases, silent for 5 minutes
            long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
            session.execute(update(WebJob).where(WebJob.id == dead.id).values(status="running", updated_at=long_ago,
                                                                              lease_until=None))
        restarted = JobRegistry(out_dir=tmp_path / "batch", store=store)
        assert restarted.get(dead.id).status == "interrupted"
        alive = registry._created(store, AS_OF, "staff")
        with store.transaction() as session:
            session.execute(update(WebJob).where(WebJob.id == alive.id).values(status="running"))
        again = JobRegistry(out_dir=tmp_path / "batch", store=store)
        assert again.get(alive.id).status == "running"  # its lease is current: another live worker's
        assert again.running().id == alive.id
        assert again.request_cancel(alive.id) and registry.get(alive.id).cancel_requested
        assert not again.request_cancel(dead.id)  # finished: nothing to cancel
    finally:
        store.close()
