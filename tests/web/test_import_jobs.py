"""Issue 10 #3 and #11: an upload is imported by a background job (202 at once, progress at
/api/v1/enterprises/import-jobs/{id}, committed in chunks by a child process, so the server keeps
answering); the upload copy lives under ZHIDA_HOME/uploads and is removed; a server SIGKILLed
during an import marks it interrupted at the next start, and uploading the file again resumes it."""

from __future__ import annotations

import csv
import io
import time
from contextlib import closing

from sqlalchemy import func, select

from zhida.enterprises import uscc
from zhida.enterprises.tables import Enterprise, EnterpriseImport
from zhida.store import open_store
from zhida.web.auth import Actor, create_user

from .conftest import ACCOUNTS, PASSWORD
from .imports import finished_import
from .live_server import LiveServer

HEADER = ["统一社会信用代码", "企业名称", "所属区", "行业代码", "从业人员", "营业收入(万元)", "年度"]


def csv_bytes(rows: int, start: int = 1) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(start, start + rows):
        writer.writerow([uscc.make("9", "1", "110105", f"{n:08d}"), f"朝阳测试企业{n}", "朝阳区", "L7212", "8", "12.5",
                         "2021"])
    return buffer.getvalue().encode("utf-8")


def _server(tmp_path) -> LiveServer:
    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    store = open_store(url)
    try:
        create_user(store, Actor("cli:test"), username="admin", password=PASSWORD, display_name="管理员",
                    **ACCOUNTS["admin"])
    finally:
        store.close()
    (tmp_path / "tmp").mkdir()
    return LiveServer(tmp_path, url, ZHIDA_JOB_LEASE_SECONDS="20", TMPDIR=str(tmp_path / "tmp"))


def _count(url: str):
    store = open_store(url)
    try:
        with store.sessions() as session:
            return (session.scalar(select(func.count(Enterprise.id))),
                    session.execute(select(EnterpriseImport.status, EnterpriseImport.batches_committed)).all())
    finally:
        store.close()


def test_an_upload_is_imported_in_the_background_in_chunks_while_the_server_answers(tmp_path):
    server = _server(tmp_path).start()
    try:
        with closing(server.login("admin")) as admin:
            response = admin.post("/api/v1/enterprises/import", files={"file": ("企业.csv", csv_bytes(12_000))})
            assert response.status_code == 202, response.text
            started = response.json()
            assert started["status"] in ("queued", "running")
            assert admin.get("/api/v1/auth/me").status_code == 200  # the server answers meanwhile
            seen = set()
            job = started
            while job["status"] in ("queued", "running"):
                seen.add(job["done"])
                job = admin.get(f"/api/v1/enterprises/import-jobs/{started['id']}").json()
            assert job["status"] == "completed", job
            assert job["total"] == job["done"] == 12_000 and len(seen) > 1  # progress was seen moving
            assert job["summary"]["stored"] == 12_000 and job["summary"]["rejected_rows"] == 0
            page = admin.get(f"/enterprises/import-jobs/{started['id']}/progress", headers={"HX-Request": "true"})
            assert 'id="import-result"' in page.text and "入库 12,000 家" in page.text
            audit = admin.get("/api/v1/audit", params={"entity": "enterprise_import"}).json()["items"][0]
            assert audit["actor"] == "admin" and audit["after"]["stored"] == 12_000
        count, imports = _count(server.database_url)
        assert count == 12_000 and imports == [("completed", 3)]  # three committed chunks of 5,000
        assert not list((tmp_path / "uploads").iterdir())  # the upload copy is removed
        assert not list((tmp_path / "tmp").iterdir())  # and nothing was left in the temporary directory
    finally:
        server.stop()


def test_sigkill_during_an_import_marks_it_interrupted_at_the_next_start_and_a_new_upload_resumes(tmp_path):
    server = _server(tmp_path).start()
    content = csv_bytes(60_000)
    try:
        with closing(server.login("admin")) as admin:
            job = admin.post("/api/v1/enterprises/import", files={"file": ("企业.csv", content)}).json()
            deadline = time.monotonic() + 120
            while (view := admin.get(f"/api/v1/enterprises/import-jobs/{job['id']}").json())["done"] == 0:
                assert time.monotonic() < deadline and view["status"] in ("queued", "running"), view
                time.sleep(0.05)
            assert view["status"] == "running" and view["done"] < 60_000, view
        server.kill()
        time.sleep(1)  # the orphaned import process notices and stops
        server.start()
        with closing(server.login("admin")) as admin:
            deadline = time.monotonic() + 90  # within one lease (20 s here, so a loaded machine keeps up)
            while (view := admin.get(f"/api/v1/enterprises/import-jobs/{job['id']}").json())["status"] == "running":
                assert time.monotonic() < deadline, view
                time.sleep(0.2)
            assert view["status"] == "interrupted", view
            stored_before, imports = _count(server.database_url)
            assert imports[0][0] == "interrupted" and 0 < stored_before < 60_000
            assert "中断" in admin.get(f"/enterprises/import-jobs/{job['id']}/progress").text
            assert not list((tmp_path / "uploads").iterdir())  # the interrupted upload's copy is cleaned
            assert not list((tmp_path / "tmp").iterdir())
            again = finished_import(admin, admin.post("/api/v1/enterprises/import",
                                                      files={"file": ("企业.csv", content)}))
            assert again["status"] == "completed", again
            assert again["summary"]["stored"] == 60_000 and again["summary"]["rejected_rows"] == 0
        count, imports = _count(server.database_url)
        assert count == 60_000 and [s for s, _ in imports] == ["completed"]  # resumed, not duplicated
    finally:
        server.stop()
