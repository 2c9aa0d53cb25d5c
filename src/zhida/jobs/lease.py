"""Leases on web jobs: how any process tells a dead worker's job from a live one.

The process running a job holds its lease (``web_jobs.lease_until``, ``owner``) and renews it every
third of ``ZHIDA_JOB_LEASE_SECONDS`` (default 30) from a heartbeat thread, independent of how often
the job itself reports progress. A job whose lease has run out belongs to a process that died
(SIGKILL, OOM, a power cut): ``reap`` — called by every process before it lists, starts or cancels
jobs, and at start-up — marks it ``interrupted`` (``cancelled`` if a cancel was asked for), and with
it the batch run (``batch_runs``) and enterprise import it was running. So a dead job is detected
within one lease by whichever process looks first, and never blocks a new batch.

Every write here goes through ``Store.retrying`` (a busy SQLite is retried, not reported).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from zhida.store.schema import WebJob

ACTIVE = ("queued", "running")
DEFAULT_LEASE = 30.0


def lease_seconds() -> float:
    text = os.environ.get("ZHIDA_JOB_LEASE_SECONDS")
    try:
        return max(float(text), 0.5) if text else DEFAULT_LEASE
    except ValueError:
        return DEFAULT_LEASE


def owner_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def now() -> datetime:
    return datetime.now(UTC)


def expiry() -> datetime:
    return now() + timedelta(seconds=lease_seconds())


def renew(store, job_id: str) -> tuple[bool, bool]:
    """Extend the lease of an active job: (still active, cancel requested)."""
    def work(session):
        changed = session.execute(update(WebJob).where(WebJob.id == job_id, WebJob.status.in_(ACTIVE))
                                  .values(lease_until=expiry(), owner=owner_id(), updated_at=now())).rowcount
        cancel = session.scalar(select(WebJob.cancel_requested).where(WebJob.id == job_id))
        return changed == 1, bool(cancel)

    return store.retrying(work)


def reap(store) -> list[str]:
    """Mark jobs whose lease ran out (and their batch run / import) interrupted; their ids."""
    from zhida.batch.tables import INTERRUPTED, RUNNING, BatchRun
    from zhida.enterprises.tables import EnterpriseImport

    def expired(session, moment):
        return session.execute(select(WebJob.id, WebJob.cancel_requested).where(
            WebJob.status.in_(ACTIVE), WebJob.lease_until.is_not(None), WebJob.lease_until < moment)).all()

    with store.sessions() as session:  # a read first: no write lock taken when nothing died
        if not expired(session, now()):
            return []

    def work(session):
        moment = now()
        dead = expired(session, moment)
        if not dead:
            return []
        for job_id, cancel in dead:
            status, stage = ("cancelled", "已取消（运行它的进程已退出）") if cancel else ("interrupted", "进程已退出")
            session.execute(update(WebJob).where(WebJob.id == job_id, WebJob.status.in_(ACTIVE))
                            .values(status=status, stage=stage, finished_at=moment, updated_at=moment))
        ids = [job_id for job_id, _ in dead]
        session.execute(update(BatchRun).where(BatchRun.job_id.in_(ids), BatchRun.status == RUNNING)
                        .values(status=INTERRUPTED, finished_at=moment, error="运行它的进程已退出（租约过期）"))
        session.execute(update(EnterpriseImport).where(EnterpriseImport.job_id.in_(ids),
                                                       EnterpriseImport.status == "running")
                        .values(status="interrupted"))
        return ids

    return store.retrying(work)


class Heartbeat:
    """Renews one job's lease until stopped; ``on_cancel`` when a cancel reaches the job."""

    def __init__(self, store, job_id: str, on_cancel: Callable[[], None]):
        self.store, self.job_id, self.on_cancel = store, job_id, on_cancel
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"zhida-lease-{job_id}")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        interval = lease_seconds() / 3
        while not self._stop.wait(interval):
            try:
                active, cancel = renew(self.store, self.job_id)
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                continue
            if cancel:
                self.on_cancel()
            if not active:
                return
