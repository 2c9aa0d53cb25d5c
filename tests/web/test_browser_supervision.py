"""督办 at a browser (Playwright + Debian chromium).

1. A unit (市经济和信息化局) opens 督办, finds a task it leads, reports 按进度推进 with a PDF as
   evidence; the report shows with its file, and the matrix row of the task updates.
2. The office shortens a task's deadline and confirms it on the task page; the clock, injected
   (``reports.tick`` at a chosen instant), escalates it: red in the matrix, a 督办 message in the
   unit's and the office's inboxes. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from zhida.supervision import reports
from zhida.workflow.calendar import BEIJING

from .browser_login import sign_in
from .supervision_accounts import drafted, make_supervision_staff
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

DOC = "001_17557c858a299f6c"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _page(browser, server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    return sign_in(context.new_page(), server.url, username)


def _task_id(office, ids, clause: str) -> int:
    for task_id in ids:
        if office.get(f"/api/v1/tasks/{task_id}").json()["clause_id"] == clause:
            return task_id
    raise AssertionError(clause)


def test_a_unit_reports_progress_with_evidence_and_the_matrix_updates(server, browser, tmp_path):
    make_supervision_staff(server)
    office = server.login("sv_office")
    task = _task_id(office, drafted(server, office, DOC), "3")  # 建设产业投资大数据服务平台, lead 市经济和信息化局
    assert office.post(f"/api/v1/tasks/{task}/confirm", json={}).status_code == 200

    unit = _page(browser, server, "staff")  # 市经济和信息化局
    unit.goto(server.url + "/supervision")
    row = unit.locator(f"#sv-matrix tr[data-task='{task}']")
    expect(row).to_contain_text("建设产业投资大数据服务平台")
    expect(row.locator(".progress")).to_have_text("—")
    row.get_by_role("link", name=re.compile("建设产业投资大数据服务平台")).click()
    expect(unit).to_have_url(re.compile(rf"/supervision/tasks/{task}$"))
    form = unit.locator("#report-form")
    form.get_by_label("进展状态").select_option(label="按进度推进")
    form.get_by_label("进展情况").fill("大数据服务平台一期已上线，接入项目 120 个")
    evidence = tmp_path / "平台上线证明.pdf"
    evidence.write_bytes(PDF)
    form.locator("input[type=file]").set_input_files(str(evidence))
    unit.screenshot(path=SHOTS / "70-supervision-report-form.png", full_page=True)
    form.get_by_role("button", name="报送").click()
    expect(unit.locator("#reports")).to_contain_text("市经济和信息化局 · 按进度推进")
    expect(unit.locator("#reports")).to_contain_text("接入项目 120 个")
    expect(unit.locator("#reports a", has_text="平台上线证明.pdf")).to_be_visible()
    unit.goto(server.url + "/supervision")
    expect(unit.locator(f"#sv-matrix tr[data-task='{task}'] .progress")).to_have_text("按进度推进")
    unit.screenshot(path=SHOTS / "71-supervision-matrix-updated.png", full_page=True)

    seen = _page(browser, server, "sv_office")
    seen.goto(server.url + f"/supervision?document={DOC}")
    expect(seen.locator(f"#sv-matrix tr[data-task='{task}'] .progress")).to_have_text("按进度推进")
    office.close()


def test_an_overdue_task_escalates_on_the_injected_clock(server, browser):
    make_supervision_staff(server)
    office_api = server.login("sv_office")
    task = _task_id(office_api, drafted(server, office_api, DOC), "10")  # lead 市经济和信息化局
    office_api.close()
    today = datetime.now(UTC).astimezone(BEIJING).date()
    deadline = today - timedelta(days=3)

    office = _page(browser, server, "sv_office")
    office.goto(server.url + f"/supervision/tasks/{task}")
    expect(office.locator("#task-state")).to_contain_text("待确认")
    review = office.locator("#review")
    review.get_by_label("期限").fill(deadline.isoformat())
    review.get_by_role("button", name="保存并确认").click()
    expect(office.locator("#task-state")).to_contain_text("推进中")
    expect(office.locator("#task-state")).to_contain_text(deadline.isoformat())

    clock = datetime.combine(deadline + timedelta(days=2), datetime.min.time(), BEIJING).astimezone(UTC)
    with server.app.state.store.transaction() as session:
        assert reports.tick(session, clock)["late_tasks"] >= 1
    with server.app.state.store.transaction() as session:
        assert reports.tick(session, clock)["late_tasks"] == 0  # escalated once

    office.goto(server.url + "/supervision?colour=red")
    expect(office.locator(f"#sv-matrix tr[data-task='{task}']")).to_contain_text("逾期")
    office.screenshot(path=SHOTS / "72-supervision-overdue.png", full_page=True)
    office.goto(server.url + "/inbox")
    expect(office.locator("main")).to_contain_text("督办：任务逾期未完成：加大市级重大项目支持力度")

    unit = _page(browser, server, "staff")
    unit.goto(server.url + "/inbox")
    expect(unit.locator("main")).to_contain_text("督办：任务逾期未完成：加大市级重大项目支持力度")
    unit.goto(server.url + f"/supervision/tasks/{task}")
    expect(unit.locator("#task-colour")).to_have_text("逾期")
