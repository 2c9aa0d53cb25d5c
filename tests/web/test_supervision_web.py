"""督办 over HTTP, per role: the office drafts, reviews and confirms; a unit sees only what its units
owe and reports only for itself (with evidence, checked, never half-saved); an enterprise sees
nothing; every change audited; the monthly report read back as XLSX and as an A4 PDF."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest

from .supervision_accounts import drafted, make_supervision_staff
from .xlsx_checks import check_workbook

DOC = "001_17557c858a299f6c"  # 高精尖产业投资 measures: 16 clauses, each with its 责任部门
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
A4_LANDSCAPE = (841.89, 595.28)


@pytest.fixture(scope="module")
def office(server):
    make_supervision_staff(server)
    client = server.login("sv_office", "correct-horse-9")
    yield client
    client.close()


@pytest.fixture(scope="module")
def task_ids(server, office):
    return drafted(server, office, DOC)


def _task(office, ids, clause: str) -> dict:
    for task_id in ids:
        task = office.get(f"/api/v1/tasks/{task_id}").json()
        if task["clause_id"] == clause:
            return task
    raise AssertionError(clause)


def test_only_the_office_drafts_and_confirms_and_an_enterprise_sees_nothing(server, clients, office, task_ids):
    assert len(task_ids) == 16
    assert clients["staff"].post("/api/v1/tasks/draft", json={"document": DOC}).status_code == 403
    assert clients["ent_a"].get("/api/v1/tasks").status_code == 403
    assert clients["ent_a"].get("/supervision").status_code == 403
    task = _task(office, task_ids, "7")
    assert task["lead"] == ["市规划自然资源委"] and task["lead_inferred"] and task["state"] == "draft"
    assert task["citation"].endswith("第七条") and task["targets"][0]["kind"] == "yardstick"
    refused = clients["staff"].post(f"/api/v1/tasks/{task['id']}/confirm", json={})
    assert refused.status_code == 403  # 市经济和信息化局 sees clause 7 (it supports) but only the office confirms
    edited = office.patch(f"/api/v1/tasks/{task['id']}", json={"deadline": "2030-12-31", "title": "提升产业用地保障能力"})
    assert edited.status_code == 200 and edited.json()["deadline"] == "2030-12-31"
    assert edited.json()["deadline_basis"] == "reviewer" and edited.json()["draft"]["deadline"] is None
    confirmed = office.post(f"/api/v1/tasks/{task['id']}/confirm", json={"version": edited.json()["version"]})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "active"
    stale = office.post(f"/api/v1/tasks/{task['id']}/confirm", json={"version": 1})
    assert stale.status_code == 409
    trail = clients["admin"].get("/api/v1/audit", params={"entity": "sv_task", "entity_id": str(task["id"])}).json()
    actions = {e["action"] for e in trail.get("items", trail if isinstance(trail, list) else [])}
    assert {"sv_task_draft", "sv_task_edit", "workflow:confirm"} <= actions, actions


def test_a_unit_sees_what_it_owes_and_reports_only_for_itself(server, clients, office, task_ids):
    mine = clients["staff"].get("/api/v1/tasks", params={"per_page": 500}).json()["items"]
    assert mine and all("市经济和信息化局" in t["lead"] + t["support"] for t in mine)
    finance = clients["staff_units"].get("/api/v1/tasks", params={"per_page": 500}).json()["items"]
    assert all("市财政局" in t["lead"] + t["support"] for t in finance)
    task = _task(office, task_ids, "2")  # lead 市经济和信息化局 (inferred), 市财政局 supporting
    assert office.post(f"/api/v1/tasks/{task['id']}/confirm", json={}).status_code == 200
    other = _task(office, task_ids, "5")  # 市财政局 is not on it
    assert clients["staff_units"].get(f"/api/v1/tasks/{other['id']}").status_code == 404
    form = {"status": "on_track", "narrative": "项目库已建立，纳入项目 86 个"}
    bad = clients["staff"].post(f"/api/v1/tasks/{task['id']}/reports", data=form,
                                files={"files": ("说明.pdf", b"not a pdf", "application/pdf")})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "evidence"
    assert clients["staff"].get(f"/api/v1/tasks/{task['id']}").json()["reports"] == []  # nothing half-saved
    assert office.post(f"/api/v1/tasks/{task['id']}/reports", data=form).status_code == 403  # not the office's
    made = clients["staff"].post(f"/api/v1/tasks/{task['id']}/reports", data=form,
                                 files={"files": ("项目库名单.pdf", PDF, "application/pdf")})
    assert made.status_code == 200, made.text
    report = made.json()["task"]["reports"][0]
    assert report["unit"] == "市经济和信息化局" and report["status_label"] == "按进度推进"
    assert office.get(report["evidence"][0]["href"]).content == PDF
    assert clients["staff_units"].get(report["evidence"][0]["href"]).status_code == 200  # supporting unit reads it
    matrix = office.get("/api/v1/tasks/matrix", params={"document": DOC}).json()
    row = next(r for r in matrix["rows"] if r["id"] == task["id"])
    assert row["progress_label"] == "按进度推进" and row["cells"]["市财政局"] == "配合"
    assert row["cells"]["市经济和信息化局"] == "牵头"


def test_monthly_report_read_back_as_xlsx_and_a4_pdf(server, clients, office, task_ids):
    from zhida.supervision import cycles
    from zhida.web.domain import now

    cycle = cycles.current("month", now())
    xlsx = office.get("/api/v1/tasks/report.xlsx", params={"cycle": cycle, "document": DOC})
    assert xlsx.status_code == 200
    sheets = check_workbook(xlsx.content)
    assert set(sheets) == {"任务", "按章节", "按单位"}
    tasks_sheet = sheets["任务"][1:]  # below the header
    assert any("项目库已建立" in (row[9] or "") and row[8] == "市经济和信息化局：按进度推进" for row in tasks_sheet)
    assert all(str(row[2]).startswith("《北京市关于促进高精尖产业投资") for row in tasks_sheet)
    units = {row[0]: row for row in sheets["按单位"][1:]}
    assert units["市经济和信息化局"][2] >= 1
    mine = clients["staff"].get("/api/v1/tasks/report.xlsx", params={"cycle": cycle, "unit": "市规划自然资源委"})
    assert check_workbook(mine.content)["任务"][1:] == []  # a unit cannot read another unit's report
    pdf = office.get("/api/v1/tasks/report.pdf", params={"cycle": cycle, "document": DOC})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        pages = [(p.width, p.height, p.extract_text() or "",
                  [c for c in p.chars if c["x0"] < 0 or c["x1"] > p.width or c["top"] < 0 or c["bottom"] > p.height])
                 for p in document.pages]
    assert [[c['text'] + str(round(c['x0'])) + ',' + str(round(c['top'])) for c in o] for _, _, _, o in pages] == [[]] * len(pages)
    text = "".join(t for _, _, t, _ in pages).replace("\n", "").replace(" ", "")
    assert [(round(w, 2), round(h, 2)) for w, h, _, _ in pages] == [A4_LANDSCAPE] * len(pages)
    assert f"督办月报（{cycle}）" in text and "项目库已建立" in text and "按章节完成情况" in text
    assert DOC not in text
    assert f"共{len(pages)}页" in text


def test_pages_render_for_office_and_unit(server, clients, office, task_ids):
    page = office.get("/supervision", params={"document": DOC})
    assert page.status_code == 200 and "督办任务" in page.text and "sv-matrix" in page.text
    assert clients["staff"].get("/supervision").status_code == 200
    detail = office.get(f"/supervision/tasks/{task_ids[0]}")
    assert detail.status_code == 200 and "出处" in detail.text
    assert office.get(f"/supervision/documents/{DOC}").status_code == 200
    assert office.get("/supervision/units").status_code == 200
    openapi = clients["admin"].get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/tasks", "/api/v1/tasks/{task_id}/reports", "/api/v1/tasks/report.xlsx"} <= set(openapi)
    assert json.dumps(openapi["/api/v1/tasks/{task_id}/reports"])  # documented


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01", "2101-01-01"])
def test_a_deadline_off_the_calendar_is_a_chinese_422_and_nothing_changes(office, task_ids, deadline):
    # found by the examiner's walk: 9999-12-31 overflowed the due time (500) on the task page's form
    task = _task(office, task_ids, "8")
    edited = office.patch(f"/api/v1/tasks/{task['id']}", json={"deadline": deadline})
    assert edited.status_code == 422, edited.text[:300]
    error = edited.json()["error"]
    assert error["field"] == "deadline" and deadline in error["message"] and "超出支持范围" in error["message"]
    after = office.get(f"/api/v1/tasks/{task['id']}").json()
    assert after["deadline"] == task["deadline"] and after["version"] == task["version"]
    page = office.post(f"/supervision/tasks/{task['id']}/edit", data={
        "title": task["title"], "lead": "、".join(task["lead"]), "deadline": deadline, "version": task["version"],
        "csrf_token": office.headers["X-CSRF-Token"]})
    assert page.status_code == 422 and "超出支持范围" in page.text


def test_a_deadline_at_the_range_end_is_kept(office, task_ids):
    task = _task(office, task_ids, "9")
    edited = office.patch(f"/api/v1/tasks/{task['id']}", json={"deadline": "2100-12-31"})
    assert edited.status_code == 200 and edited.json()["deadline"] == "2100-12-31"
