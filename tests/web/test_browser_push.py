"""精准推送 and long work at a browser (Playwright + Debian chromium, headless), as the 朝阳区 official:
the push page shows 朝阳区's enterprise count, one line per measure under its document, pickers,
pages; a what-if disables its button and shows progress while it runs (issue 11 §4, §6).
Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from zhida import config

from .browser_login import sign_in
from .enterprise_seed import AS_OF, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    seed(server.app)
    jobs = server.app.state.jobs
    # a batch over the store as it is now: earlier tests in the session may have added enterprises
    # since the last one, and the page counts the batch's population
    jobs.out_dir = jobs.out_dir or tmp_path_factory.mktemp("batches")
    assert jobs.run_batch_now(server.app.state.store, AS_OF, "admin").status == "completed"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
        tab = context.new_page()
        tab.external = []
        tab.on("request", lambda r: tab.external.append(r.url) if not r.url.startswith(server.url) else None)
        sign_in(tab, server.url, "staff")  # 市经济和信息化局, 朝阳区
        yield tab
        assert tab.external == []
        browser.close()


def _chaoyang(server) -> int:
    from sqlalchemy import func, select

    from zhida.enterprises.tables import Enterprise

    with server.app.state.store.sessions() as session:
        return session.scalar(select(func.count()).where(Enterprise.region_code == "110105"))


def test_push_page_for_a_district_official(server, page, tmp_path):
    page.goto(server.url + "/push")
    expect(page.locator("#push-population")).to_have_text(f"{_chaoyang(server):,}")
    expect(page.locator("#job-progress")).not_to_contain_text("尚未运行批量匹配")
    everyone = server.app.state.jobs.latest.enterprises
    assert f"{everyone:,} 家" not in page.locator("main").inner_text()  # no city-wide count for a district official
    rows = page.locator("#push-measures tr[data-measure]")
    expect(rows.first).to_be_visible()
    ids = [rows.nth(i).get_attribute("data-measure") for i in range(rows.count())]
    assert len(ids) == len(set(ids)) <= 20  # one line per measure, a page at a time
    expect(page.locator("#push-measures .doc-row").first).to_be_visible()  # grouped by document
    # pickers, not code boxes: the official's own district only, industries by name
    expect(page.locator("#push-region option")).to_have_count(1)
    expect(page.locator("#push-region option")).to_have_text("朝阳区")
    assert page.locator("#push-industry option", has_text="制造业").count() >= 1
    page.screenshot(path=SHOTS / "20-push-district.png", full_page=True)
    pager = page.locator("nav.pager")
    if pager.count():
        pager.get_by_role("link", name="下一页").click()
        expect(page.locator("nav.pager")).to_contain_text("第 2 /")
        more = page.locator("#push-measures tr[data-measure]")
        expect(more.first).to_be_visible()
        assert not set(ids) & {more.nth(i).get_attribute("data-measure") for i in range(more.count())}
        page.goto(server.url + "/push")

    # one measure: its enterprises, and its list as a file named by measure and date
    first = page.locator("#push-measures tr[data-measure] a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("#push-measure h2")).to_have_text(title)
    expect(page.locator(".push-enterprises tbody tr").first).to_be_visible()
    page.screenshot(path=SHOTS / "21-push-measure.png", full_page=True)
    with page.expect_download() as info:
        page.locator("#push-export").click()
    name = info.value.suggested_filename
    assert re.fullmatch(r"推送名单_.+_\d{4}-\d{2}-\d{2}\.xlsx", name), name
    info.value.save_as(tmp_path / name)
    assert (tmp_path / name).stat().st_size > 0

    # search by words an official knows
    page.goto(server.url + "/push")
    page.locator("#push-search").fill("没有这个词的措施")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#push-measures")).to_contain_text("没有符合筛选条件的推送名单")


def test_a_what_if_disables_its_button_and_shows_progress(server, page):
    page.goto(server.url + "/simulations")  # the official's first measure with a number to change
    option = page.locator("#whatif-parameter option").first
    page.locator("#whatif-parameter").select_option(option.get_attribute("value"))
    current = re.search(r"：(.+?)（", option.inner_text()).group(1)  # the number as it stands
    page.locator("#whatif-value").fill(current)
    held = []
    page.route("**/simulations/run", lambda route: held.append(route))  # the answer waits until we look
    page.locator("#whatif-run").click()
    expect(page.locator("#whatif-run")).to_be_disabled()
    busy = page.locator("#whatif-form .busy-note")
    expect(busy).to_be_visible()
    expect(busy).to_contain_text("正在测算")
    expect(busy.locator("progress")).to_have_count(1)
    page.screenshot(path=SHOTS / "22-what-if-running.png")
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/simulations/run")
    expect(page.locator("#whatif-summary")).to_be_visible(timeout=60_000)
    expect(page.locator("#whatif-run")).to_be_enabled()
    expect(busy).to_have_count(0)


def test_starting_a_batch_disables_the_button_until_the_job_answers(server, page):
    page.goto(server.url + "/push")
    held = []
    page.route("**/push/batch", lambda route: held.append(route))
    page.locator("#start-batch").click()
    expect(page.locator("#start-batch")).to_be_disabled()
    expect(page.locator("section.panel .busy-note")).to_contain_text("正在准备批量匹配")
    held[0].abort()  # not run: a batch here would change the lists the other tests read
    page.unroute("**/push/batch")
    expect(page.locator("#start-batch")).to_be_enabled()
