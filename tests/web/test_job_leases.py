"""Issue 10 #2: a killed batch no longer blocks later batches. A job's lease runs out when its
process dies; any process then marks the job and its batch run interrupted and a new batch may
start; cancelling a dead job works; two simultaneous starts give one job; a busy database is
retried and what a failed job shows is Chinese, never SQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextlib import closing

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from zhida.batch.tables import BatchRun
from zhida.enterprises.generate import generate, store_population
from zhida.store import open_store
from zhida.store.schema import WebJob
from zhida.batch import population
from zhida.web.auth import Actor, create_user
from zhida.jobs.batch import Job, JobRegistry

from .conftest import ACCOUNTS, PASSWORD
from .live_server import LiveServer

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture
def store(database_url):
    store = open_store(database_url)
    yield store
    store.close()


def _expire(store, job_id: str) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with store.transaction() as session:
        session.execute(update(WebJob).where(WebJob.id == job_id).values(status="running", lease_until=past))


def _run_row(store, job_id: str, status: str = "running") -> None:
    with store.transaction() as session:
        session.add(BatchRun(run_key=f"run-{job_id}", status=status, as_of=AS_OF, engine="duckdb", input="store",
                             out_dir="/nonexistent", started_at=dt.datetime.now(dt.UTC), job_id=job_id))


def test_a_job_whose_lease_ran_out_is_interrupted_with_its_run_and_a_new_batch_may_start(store, tmp_path):
    registry = JobRegistry(out_dir=tmp_path / "batch", store=store)
    dead = registry._created(store, AS_OF, "staff")
    _run_row(store, dead.id)
    _expire(store, dead.id)  # its process stopped renewing: killed
    other_process = JobRegistry(out_dir=tmp_path / "batch", store=store)
    view = other_process.get(dead.id)
    assert view.status == "interrupted" and view.finished_at is not None
    with store.sessions() as session:
        assert session.scalar(select(BatchRun.status).where(BatchRun.job_id == dead.id)) == "interrupted"
    assert other_process.running() is None
    started = other_process.start_batch(store, AS_OF, "staff")
    assert started.id != dead.id  # not the dead job
    _wait(other_process, started.id)


def test_cancelling_a_dead_job_cancels_it_at_once(store, tmp_path):
    registry = JobRegistry(out_dir=tmp_path / "batch", store=store)
    dead = registry._created(store, AS_OF, "staff")
    _run_row(store, dead.id)
    with store.transaction() as session:  # not yet reaped by anybody
        session.execute(update(WebJob).where(WebJob.id == dead.id).values(
            status="running", lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    registry._reaped_at = time.monotonic()  # reads within the throttle do not reap
    assert registry.request_cancel(dead.id)
    assert registry.get(dead.id).status == "cancelled"
    with store.sessions() as session:
        assert session.scalar(select(BatchRun.status).where(BatchRun.job_id == dead.id)) == "interrupted"


def test_two_simultaneous_starts_on_two_workers_give_one_job(database_url, tmp_path):
    stores = [open_store(database_url) for _ in range(2)]
    try:
        first = stores[0]
        with first.transaction() as session:  # the database itself refuses a second active batch
            session.add(WebJob(id="held", kind="batch", status="running", stage="", done=0, total=0, params={},
                               created_by="x", created_at=dt.datetime.now(dt.UTC),
                               updated_at=dt.datetime.now(dt.UTC), summary={},
                               lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)))
        with pytest.raises(IntegrityError), first.transaction() as session:
            session.add(WebJob(id="second", kind="batch", status="queued", stage="", done=0, total=0, params={},
                               created_by="x", created_at=dt.datetime.now(dt.UTC),
                               updated_at=dt.datetime.now(dt.UTC), summary={}))
        with first.transaction() as session:
            session.execute(update(WebJob).values(status="cancelled"))

        registries = [JobRegistry(out_dir=tmp_path / "batch", store=s) for s in stores]
        for r in registries:
            r._run_batch = lambda job, store, as_of: None  # only the start matters here
        barrier, started = threading.Barrier(2), [None, None]

        def start(i):
            barrier.wait()
            started[i] = registries[i].start_batch(stores[i], AS_OF, f"staff{i}")

        threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert started[0].id == started[1].id
        with first.sessions() as session:
            assert session.scalar(select(text("count(*)")).select_from(WebJob).where(
                WebJob.status.in_(("queued", "running")))) == 1
    finally:
        for s in stores:
            s.close()


def test_a_busy_sqlite_is_retried_and_failures_show_chinese_without_sql(tmp_path, monkeypatch):
    store = open_store(f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    other = open_store(f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    try:
        registry = JobRegistry(out_dir=tmp_path / "batch", store=store)
        job = registry._created(store, AS_OF, "staff")
        locked, release = threading.Event(), threading.Event()

        def hold_write_lock():
            with other.engine.connect() as connection:
                connection.exec_driver_sql("UPDATE web_jobs SET stage = stage")  # BEGIN was emitted: holds the lock
                locked.set()
                release.wait(10)
                connection.rollback()

        holder = threading.Thread(target=hold_write_lock)
        holder.start()
        locked.wait(10)
        threading.Timer(6, release.set).start()  # longer than sqlite's 5 s busy timeout
        job.stage, job.done = "读取企业画像", 5
        from zhida.jobs.batch import save

        save(store, job)  # waits for the lock instead of failing
        holder.join()
        assert registry.get(job.id).done == 5

        def locked_db(*_a, **_k):
            raise OperationalError("UPDATE web_jobs SET status=? WHERE web_jobs.id = ?", {}, Exception("database is locked"))

        monkeypatch.setattr(population, "state_key", locked_db)
        failing = Job(job.id, "batch", {}, "staff")
        registry._run_batch(failing, store, AS_OF)
        shown = registry.get(job.id)
        assert shown.status == "failed"
        assert "数据库繁忙" in shown.error
        assert "SQL" not in shown.error and "UPDATE" not in shown.error and "web_jobs" not in shown.error
    finally:
        store.close()
        other.close()


def _wait(registry, job_id: str, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = registry.get(job_id)
        if job.status not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job.status}")


def _until_run_recorded(url: str, job_id: str, timeout: float = 120) -> None:
    """On a loaded machine a job reports 'running' well before it records its batch run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check = open_store(url)
        try:
            with check.sessions() as session:
                if session.scalar(select(BatchRun.status).where(BatchRun.job_id == job_id)) is not None:
                    return
        finally:
            check.close()
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} recorded no batch run")


def test_sigkill_during_a_batch_then_restart_marks_it_interrupted_and_allows_a_new_batch(tmp_path):
    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    store = open_store(url)
    try:
        store_population(generate(20_000, 7, AS_OF), store)  # a batch of several seconds
        create_user(store, Actor("cli:test"), username="staff", password=PASSWORD, display_name="测试",
                    **ACCOUNTS["staff"])
    finally:
        store.close()
    server = LiveServer(tmp_path, url, ZHIDA_JOB_LEASE_SECONDS="2", ZHIDA_AS_OF=AS_OF.isoformat()).start()
    try:
        with closing(server.login("staff")) as staff:
            job_id = staff.post("/api/v1/jobs/batch", json={}).json()["id"]
            for _ in range(200):
                view = staff.get(f"/api/v1/jobs/{job_id}").json()
                if view["status"] == "running" and view["stage"]:
                    break
                time.sleep(0.05)
            assert view["status"] == "running", view
            _until_run_recorded(url, job_id)  # killed mid-run, not before its batch_runs row exists
        server.kill()
        server.start()  # a restart within the lease's bounded time, as in the issue
        with closing(server.login("staff")) as staff:
            deadline = time.monotonic() + 30
            while (view := staff.get(f"/api/v1/jobs/{job_id}").json())["status"] == "running":
                assert time.monotonic() < deadline, view
                time.sleep(0.2)
            assert view["status"] == "interrupted"
            again = staff.post("/api/v1/jobs/batch", json={})
            assert again.status_code == 202 and again.json()["id"] != job_id
            finished = again.json()
            while finished["status"] in ("queued", "running"):
                time.sleep(0.3)
                finished = staff.get(f"/api/v1/jobs/{finished['id']}").json()
            assert finished["status"] == "completed", finished
            assert staff.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 409  # already ended
        check = open_store(url)
        try:
            with check.sessions() as session:
                runs = dict(session.execute(select(BatchRun.job_id, BatchRun.status)).all())
        finally:
            check.close()
        assert runs[job_id] == "interrupted" and runs[finished["id"]] == "complete"
    finally:
        server.stop()
