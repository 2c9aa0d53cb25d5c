"""`python -m zhida.web.import_worker JOB_ID`: runs one enterprise import job of the web app.

A child process of the server, so a 200,000-row import neither holds the server's event loop nor
its GIL, and its memory is returned when it ends. It streams the upload (openpyxl read-only,
batches of ``BATCH_SIZE`` rows each committed with its progress; the server's supervising thread
holds the job's lease while this process lives, zhida.jobs.lease), records the import in the audit log under the uploader's name
and id, and removes the upload copy when done. It stops (leaving the import resumable: the
same file uploaded again continues after the last committed batch) when the server that started
it has died — the lease then runs out and any process marks the job interrupted.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from zhida.jobs.errors import user_message

BATCH_SIZE = 5_000


class ParentGone(Exception):
    pass


def main(job_id: str) -> int:
    from zhida.enterprises.importer import import_file
    from zhida.store import open_store
    from zhida.store.schema import WebJob
    from zhida.jobs import lease as job_lease
    from zhida.jobs.batch import Job, save

    parent = os.getppid()
    store = open_store(auto_upgrade=False)
    try:
        with store.sessions() as session:
            row = session.get(WebJob, job_id)
            if row is None or row.status not in job_lease.ACTIVE:
                return 0
            job = Job.from_row(row)
            created_by_id = row.created_by_id
        params = job.params
        upload = Path(params["upload"])
        job.status, job.stage = "running", "检查并读取文件"
        save(store, job)
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()

        def progress(result) -> None:
            if os.getppid() != parent:
                raise ParentGone()
            job.stage, job.done = "导入中", result.rows_read
            job.total = max(result.expected_rows, result.rows_read)
            job.summary = {"import_id": result.import_id, "stored": result.stored,
                           "rejected_rows": result.rejected_rows}
            save(store, job)

        if True:  # the server's supervising thread renews the lease while this process lives
            try:
                result = import_file(upload, store, resume=True, batch_size=BATCH_SIZE, progress=progress,
                                     source_name=params["file"], job_id=job_id, write_report=False,
                                     region_code=_district(params.get("principal") or {}))
                summary = {"import_id": result.import_id, "file": params["file"], "rows_read": result.rows_read,
                           "stored": result.stored, "rejected_rows": result.rejected_rows,
                           "already_imported": result.already_imported, "warnings": result.warnings}
                _audit(store, job, created_by_id, summary)
                job.summary, job.done = summary, result.rows_read
                job.total = max(job.total, result.rows_read)
                job.status, job.stage = "completed", "完成"
            except ParentGone:
                return 3  # the lease runs out; any process marks the job interrupted
            except Exception as exc:  # noqa: BLE001 - one Chinese line for the user, the trace in the log
                job.status, job.error = "failed", _message(exc, params["file"])
                job.stage = "失败"
        job.finished_at = datetime.now(UTC)
        save(store, job)
        upload.unlink(missing_ok=True)
        return 0
    finally:
        store.close()


def _district(principal: dict) -> str | None:
    """The district a staff uploader is limited to (rows outside it are rejected), else None.
    An unknown district rejects every row rather than none."""
    from zhida.enterprises import regions

    if principal.get("role") != "staff" or not principal.get("region"):
        return None
    return regions.scope_code_or_none(principal["region"]) or "—"


def _exit_with(parent: int) -> None:
    """Exit when the server that started this import is gone (SIGKILL): no orphan keeps going."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(3)


def _message(exc: BaseException, name: str) -> str:
    from zhida.errors import DataError
    if isinstance(exc, DataError):
        return f"文件 {name} 无法导入：{exc.reason}"
    return user_message(exc, f"导入 {name} ")


def _audit(store, job, created_by_id: int | None, summary: dict) -> None:
    from zhida import audit

    def work(session):
        audit.record(session, actor=job.created_by, actor_id=created_by_id, action="import",
                     entity="enterprise_import", entity_id=str(summary["import_id"]), before=None, after=summary,
                     detail=f"上传导入 {summary['file']}")

    store.retrying(work)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.exit(main(sys.argv[1]))
