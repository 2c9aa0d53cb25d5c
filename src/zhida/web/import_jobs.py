"""Enterprise imports uploaded through the web, run as background jobs (``web_jobs`` kind 'import').

The upload is streamed into ``$ZHIDA_HOME/uploads/<job id><suffix>`` (never /tmp), checked there
in milliseconds (type, size, an XLSX's zip directory: a file refused here gets 422 at once and
stores nothing), then imported by a child process (zhida.web.import_worker) while the
request returns 202 with the job; progress is read from the job. A supervising thread marks the
job failed if the child dies without finishing. At start-up (``clean_uploads``) upload copies of
jobs no longer active are removed: their imports are finished, or were interrupted — and resume
after the last committed batch when the same file is uploaded again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from anyio import to_thread
from fastapi import UploadFile
from sqlalchemy import select, update

from zhida import config
from zhida.errors import DataError
from zhida.store.schema import WebJob
from zhida.jobs import lease as job_lease
from zhida.web.deps import Principal
from zhida.web.errors import Invalid, NotFound
from zhida.jobs.batch import Job, create

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TYPES = (".csv", ".xlsx", ".json", ".jsonl")
CHUNK = 1 << 20
RUNNING = threading.BoundedSemaphore(max(1, int(os.environ.get("ZHIDA_IMPORT_PROCESSES") or 2)))  # per server


def uploads_dir() -> Path:
    return config.home() / "uploads"


async def start(store, principal: Principal, upload: UploadFile) -> Job:
    """Save, check and start importing ``upload``; the job (queued)."""
    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise Invalid(f"文件 {name or '（未命名）'}：只接受 .xlsx、.csv 或 .json 文件", field="file")
    job_id = uuid.uuid4().hex[:12]
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job_id}{suffix}"
    try:
        size = 0
        with path.open("wb") as handle:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise Invalid(f"文件 {name}：超过 20 MB，请拆分后上传或使用命令行导入", field="file")
                handle.write(chunk)
        if size == 0:
            raise Invalid(f"文件 {name}：文件为空", field="file")
        from zhida.enterprises.import_sources import precheck

        try:
            await to_thread.run_sync(precheck, path)
        except DataError as exc:
            raise Invalid(f"文件 {name} 无法导入：{exc.reason}", field="file") from None
        job = Job(job_id, "import", {"file": name, "upload": str(path), "principal": _principal(principal)},
                  principal.username, stage="排队中")
        await to_thread.run_sync(create, store, job, principal.user_id)  # may wait for a busy SQLite
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    await to_thread.run_sync(_launch, store, job, path)
    return job


def _principal(principal: Principal) -> dict:
    """Who uploaded: the worker audits under this name and id (and scoping may filter by it)."""
    return {"user_id": principal.user_id, "username": principal.username, "role": principal.role,
            "region": principal.region, "units": list(principal.units), "uscc": principal.uscc}


def _launch(store, job: Job, path: Path) -> None:
    threading.Thread(target=_supervise, args=(store, job.id, path), daemon=True, name=f"zhida-import-{job.id}").start()


def _supervise(store, job_id: str, path: Path) -> None:
    """Run the job's child process (at most ``RUNNING`` at once per server; the others wait,
    queued), holding the job's lease while this server lives; a child that dies fails the job."""
    env = {**os.environ, "ZHIDA_DATABASE_URL": store.engine.url.render_as_string(hide_password=False)}
    src = str(Path(__file__).resolve().parents[2])  # the zhida package, wherever it is installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
    with job_lease.Heartbeat(store, job_id, lambda: None), RUNNING:
        child = subprocess.Popen([sys.executable, "-m", "zhida.web.import_worker", job_id], env=env,
                                 stdin=subprocess.DEVNULL)
        code = child.wait()
    path.unlink(missing_ok=True)
    if code == 0:
        return
    store.retrying(lambda session: session.execute(
        update(WebJob).where(WebJob.id == job_id, WebJob.status.in_(job_lease.ACTIVE))
        .values(status="failed", stage="失败", error="导入进程异常退出（详情见服务器日志）；重新上传同一文件将从中断处继续",
                finished_at=job_lease.now())))
    from zhida.enterprises.tables import EnterpriseImport

    store.retrying(lambda session: session.execute(
        update(EnterpriseImport).where(EnterpriseImport.job_id == job_id, EnterpriseImport.status == "running")
        .values(status="interrupted")))


def get(store, job_id: str) -> Job | None:
    job_lease.reap(store)
    with store.sessions() as session:
        row = session.get(WebJob, job_id)
        job = Job.from_row(row) if row is not None and row.kind == "import" else None
    if job is not None and not job.active and job.params.get("upload"):
        Path(job.params["upload"]).unlink(missing_ok=True)  # ended (or found dead): its copy goes
    return job


def visible(store, principal: Principal, job_id: str) -> Job:
    """The import job ``job_id`` if ``principal`` may see it (an admin, who uploaded it, or staff
    of the uploader's district: job_scope)."""
    from zhida.web.job_scope import may_see_upload

    job = get(store, job_id)
    owner = job.params.get("principal", {}).get("user_id") if job is not None else None
    with store.sessions() as session:
        allowed = job is not None and may_see_upload(session, principal, owner)
    if not allowed:
        raise NotFound(f"导入任务 {job_id} 不存在", field="job_id")
    return job


def clean_uploads(store) -> int:
    """Remove upload copies whose job is not active (finished, failed or interrupted)."""
    folder = uploads_dir()
    if not folder.is_dir():
        return 0
    with store.sessions() as session:
        active = set(session.scalars(select(WebJob.id).where(WebJob.kind == "import",
                                                             WebJob.status.in_(job_lease.ACTIVE))))
    removed = 0
    for path in folder.iterdir():
        job_id = path.name.split(".", 1)[0]
        # A copy without a job row yet may be an upload being checked by another worker.
        if path.is_file() and job_id not in active and (_has_job(store, job_id) or _older_than(path, 3600)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _has_job(store, job_id: str) -> bool:
    with store.sessions() as session:
        return session.get(WebJob, job_id) is not None


def _older_than(path: Path, seconds: float) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def view(job: Job) -> dict:
    """What the API and the page show of an import job (not the upload path or the principal)."""
    summary = job.summary or {}
    return {"id": job.id, "status": job.status, "stage": job.stage, "done": job.done, "total": job.total,
            "progress": round(min(job.done / job.total, 1.0), 4) if job.total else 0.0,
            "file": job.params.get("file", ""), "created_by": job.created_by,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None, "error": job.error,
            "import_id": summary.get("import_id"), "stored": summary.get("stored", 0),
            "rejected_rows": summary.get("rejected_rows", 0),
            "summary": summary if job.status == "completed" else None}


def shown(store, job: Job) -> dict:
    """``view`` plus, once completed, the honest outcome line and the rejects preview (reasons
    beside the link to the full report) — what the import page shows."""
    from zhida.enterprises import import_report

    out = view(job)
    summary = job.summary or {}
    if job.status == "completed":
        out["outcome"] = import_report.outcome(summary)
        out["rejects"] = {"rows": [], "fields": []}
        if summary.get("rejected_rows") and summary.get("import_id") is not None:
            with store.sessions() as session:
                out["rejects"] = import_report.rejects_preview(session, int(summary["import_id"]))
    return out


def latest_of(store, principal: Principal) -> Job | None:
    """The newest import ``principal`` started (the page says how it went, even days later)."""
    with store.sessions() as session:
        row = session.scalars(select(WebJob).where(WebJob.kind == "import", WebJob.created_by == principal.username)
                              .order_by(WebJob.created_at.desc()).limit(1)).first()
        return Job.from_row(row) if row is not None else None
