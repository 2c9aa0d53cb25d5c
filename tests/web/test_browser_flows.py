"""The enterprise features at a browser (Playwright + Debian chromium, headless): open an
enterprise, run its checkup, supply a missing fact and see the result change, export the XLSX
(downloaded and read back), run a what-if and see the chart; bad input gets a clear message and
nothing is rendered unescaped. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright

from zhida import config

from .browser_login import sign_in
from .enterprise_seed import USCC_C, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    seed(server.app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
        tab = context.new_page()
        tab.dialogs = []
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))  # an executed script would show here
        tab.external = []
        tab.on("request", lambda r: tab.external.append(r.url) if not r.url.startswith(server.url) else None)
        sign_in(tab, server.url, "admin")
        yield tab
        assert tab.dialogs == [] and tab.external == []
        browser.close()


def test_checkup_supply_fact_and_export(server, page, tmp_path):
    page.goto(server.url + "/enterprises")
    page.get_by_label("统一社会信用代码").fill("12345")
    page.get_by_role("button", name="查看企业").click()
    expect(page.locator("#lookup-error")).to_contain_text("统一社会信用代码应为18位")
    page.screenshot(path=SHOTS / "10-invalid-uscc.png")

    page.get_by_label("统一社会信用代码").fill(USCC_C.lower())
    page.get_by_role("button", name="查看企业").click()
    expect(page).to_have_url(server.url + f"/enterprises/{USCC_C}")
    expect(page.locator("h1")).to_have_text("北京朝阳浏览器测试机械有限公司")
    before = int(page.locator("#count-eligible").inner_text())
    transport = page.locator("#undetermined tr[data-measure='bj2022mfg.key-material-transport-pass']")
    expect(transport).to_be_visible()
    expect(transport.locator("a.source-link")).to_have_attribute("href", "/policies/000_094af80e03a20c8c/clauses/1.1")
    page.screenshot(path=SHOTS / "11-checkup.png", full_page=True)

    row = page.locator(".fact-row[data-fact='epidemic_control_commitment']")
    if not row.is_visible():  # beyond the first 30 missing facts: behind "其余 N 项"
        page.locator("#missing-more > summary").click()
    row.locator("select[name=value]").select_option("true")
    row.get_by_role("button", name="保存并重新体检").click()
    expect(page.locator("#fact-notice")).to_contain_text("已保存并重新体检")
    expect(page.locator("#count-eligible")).to_have_text(str(before + 1))
    expect(page.locator("#eligible tr[data-measure='bj2022mfg.key-material-transport-pass']")).to_be_visible()
    page.screenshot(path=SHOTS / "12-fact-supplied.png", full_page=True)

    number_row = page.locator(".fact-row:has(input[name=value][inputmode=decimal])").first
    number_row.locator("input[name=value]").fill(SCRIPT)
    number_row.get_by_role("button", name="保存并重新体检").click()
    expect(page.locator("#fact-error")).to_contain_text(SCRIPT)  # shown as text, not run
    page.screenshot(path=SHOTS / "13-bad-fact.png", full_page=True)

    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    target = tmp_path / "checkup.xlsx"
    info.value.save_as(target)
    book = load_workbook(target)
    rows = {r[-1]: r for r in book["体检结果"].iter_rows(min_row=2, values_only=True)}  # keyed by 措施编号
    assert rows["bj2022mfg.key-material-transport-pass"][0] == "可享受"
    assert sum(1 for r in rows.values() if r[0] == "可享受") == before + 1
    assert {r[0]: r[1] for r in book["企业画像"].iter_rows(values_only=True)}["统一社会信用代码"] == USCC_C


def test_bad_input_is_escaped_and_explained(server, page):
    page.goto(server.url + "/enterprises?q=" + SCRIPT)
    expect(page.locator("input[name=q]")).to_have_value(SCRIPT)
    expect(page.locator("#enterprise-list")).to_contain_text("没有符合条件的企业")
    page.locator("#import input[type=file]").set_input_files(
        files=[{"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not a workbook"}])
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-error")).to_contain_text("不是有效的 XLSX 工作簿")
    page.screenshot(path=SHOTS / "14-malformed-xlsx.png", full_page=True)


def test_what_if_draws_the_chart(server, page):
    page.goto(server.url + "/simulations?measure=bj2022.sme-equipment-deduction")
    option = page.locator("#whatif-parameter option[value^='conditions.unit_value_over_5m.']").first
    page.locator("#whatif-parameter").select_option(option.get_attribute("value"))
    page.locator("#whatif-value").fill("100000")
    page.locator("#whatif-run").click()
    expect(page.locator("#whatif-summary")).to_be_visible()
    expect(page.locator("#chart-district canvas")).to_have_count(1)
    expect(page.locator("#chart-industry canvas")).to_have_count(1)
    assert int(page.locator("#reform-count").inner_text()) >= int(page.locator("#baseline-count").inner_text())
    page.screenshot(path=SHOTS / "15-what-if.png", full_page=True)
    page.locator("#whatif-value").fill("abc")
    page.locator("#whatif-run").click()
    expect(page.locator("#whatif-error")).to_contain_text("不是数字")


def test_a_fact_form_made_stale_by_another_edit_shows_the_conflict(server, page):
    """Issue 10 #1: the form carries the revision it showed; a save by somebody else in between
    answers 409 and the page shows the current profile with a Chinese conflict message."""
    from zhida.enterprises import fact_edit
    from zhida.web import enterprise_data
    from zhida.web.deps import Principal

    page.goto(server.url + f"/enterprises/{USCC_C}")
    row = page.locator(".fact-row:has(select[name=value])").first
    fact = row.get_attribute("data-fact")
    other = Principal(0, "admin", "admin", None, (), None, None)  # another session of an account
    enterprise_data.edit_profile(server.app.state.store, other, USCC_C,
                                 lambda p: fact_edit.supply(p, "employees", 321, server.app.state.as_of),
                                 action="supply_fact", detail="测试：另一位用户的修改")
    expect(row.locator("select[name=value]")).to_have_value("")  # 请选择: no answer preselected
    row.locator("select[name=value]").select_option(index=1)
    row.get_by_role("button", name="保存并重新体检").click()
    expect(page.locator("#fact-error")).to_contain_text("已被他人修改")
    page.screenshot(path=SHOTS / "14-fact-conflict.png", full_page=True)
    # The page now shows the current revision: saving again goes through.
    again = page.locator(f".fact-row[data-fact='{fact}']")
    again.locator("select[name=value]").select_option(index=1)
    again.get_by_role("button", name="保存并重新体检").click()
    expect(page.locator("#fact-notice")).to_contain_text("已保存并重新体检")
