"""运行监测 at a browser (Playwright + Debian chromium).

1. A month's statistics and a coal price are imported and the alert run hands each alert to the
   service desk; 市经济和信息化局's staff open 预警, follow the alert to its desk request (诉求), come
   back and close the alert with a note: it shows 已办结 with the note.
2. The economy bureau generates the monthly 工业经济运行分析, edits its text, saves, downloads the
   A4 PDF; pdfplumber reads the edited text back. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pdfplumber
from playwright.sync_api import expect

from zhida.monitoring import alerts
from zhida.monitoring.indicators import import_file

from .browser_login import sign_in
from .conftest import USCC_A, USCC_B
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

MONTH = "2032-03"


def _page(browser, server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    return sign_in(context.new_page(), server.url, username)


def _load(server):
    """USCC_A's 产值 falls by half against February: the rule 工业产值环比下降超过20% fires for it."""
    csv = ("统一社会信用代码,月份,所在区,行业代码,工业总产值,营业收入,用电量\n"
           f"{USCC_A},2032-02,朝阳区,C3511,400.00,400,40\n{USCC_A},{MONTH},朝阳区,C3511,200.00,210,38\n"
           f"{USCC_B},2032-02,海淀区,C3911,100.00,100,10\n{USCC_B},{MONTH},海淀区,C3911,101.00,100,10\n").encode()
    with server.app.state.store.transaction() as s:
        assert import_file(s, csv, source_name="browser.csv", actor="t").ok
    with server.app.state.store.transaction() as s:
        run = alerts.run(s, MONTH, actor="t", now=datetime(2032, 4, 6, 2, tzinfo=UTC))
    mine = [a for a in run.alerts if a.uscc == USCC_A and a.rule_id == "output_mom_drop"]
    assert mine and mine[0].unit == "市经济和信息化局" and mine[0].request_id
    return mine[0].id, mine[0].request_id


def test_an_alert_becomes_a_request_and_is_closed(server, browser):
    alert_id, request_id = _load(server)
    page = _page(browser, server, "staff")  # 市经济和信息化局, 朝阳区
    page.goto(server.url + f"/monitoring/alerts?month={MONTH}")
    row = page.locator(f"#mon-alerts tr[data-alert='{alert_id}']")
    expect(row).to_contain_text("工业产值环比下降超过20%")
    expect(row.locator(".status")).to_have_text("处置中")
    row.locator("a.request-link").click()
    expect(page).to_have_url(re.compile(rf"/desk/requests/{request_id}$"))
    expect(page.locator("main")).to_contain_text("运行监测预警")
    page.screenshot(path=SHOTS / "80-monitoring-alert-request.png", full_page=True)
    page.goto(server.url + f"/monitoring/alerts?month={MONTH}")
    row = page.locator(f"#mon-alerts tr[data-alert='{alert_id}']")
    row.get_by_label("办结说明").fill("已电话核实：订单转至外省工厂，已对接稳岗政策")
    row.get_by_role("button", name="办结").click()
    row = page.locator(f"#mon-alerts tr[data-alert='{alert_id}']")
    expect(row.locator(".status")).to_have_text("已办结")
    expect(row.locator(".note")).to_contain_text("订单转至外省工厂")
    page.screenshot(path=SHOTS / "81-monitoring-alert-closed.png", full_page=True)


def test_the_monthly_analysis_is_edited_and_its_pdf_read_back(server, browser):
    page = _page(browser, server, "staff")
    page.goto(server.url + "/monitoring/analyses")
    form = page.locator("#generate-form")
    form.get_by_label("月份").fill(MONTH)
    form.get_by_role("button", name="生成本月分析").click()
    expect(page).to_have_url(re.compile(r"/monitoring/analyses/\d+$"))
    expect(page.locator("#analysis-state")).to_contain_text("草稿")
    expect(page.locator("#chart-trend canvas, #chart-trend svg").first).to_be_visible()
    edited = "三月全市工业生产稳中有升，重点企业开工充足，原材料价格高位运行。"
    page.get_by_label("一、总体运行情况").fill(edited)
    page.get_by_role("button", name="保存文字").click()
    expect(page.get_by_label("一、总体运行情况")).to_have_value(edited)
    page.screenshot(path=SHOTS / "82-monitoring-analysis.png", full_page=True)
    with page.expect_download() as info:
        page.locator("#pdf-link").click()
    content = open(info.value.path(), "rb").read()
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (595, 842)
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "")
    assert edited[:14] in text and "工业经济运行分析" in text
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#analysis-state")).to_contain_text("已发布")
    expect(page.locator("#analysis-text")).to_contain_text(edited)


def test_staff_see_the_resumption_after_a_holiday(server, browser):
    """2024 春节 (2月10日至17日; 2月18日 周日 上班): the 朝阳区 staff follow the nav to 节假日开复工,
    pick the holiday, see their district's rows per working day, the 复工率 chart and USCC_A not
    resumed on the 3rd working day."""
    rows = ["统一社会信用代码,日期,开复工"]
    for day, a in (("2024-02-18", "否"), ("2024-02-19", "否"), ("2024-02-20", "否"), ("2024-02-21", "是")):
        rows += [f"{USCC_A},{day},{a}", f"{USCC_B},{day},是"]
    ind = (f"统一社会信用代码,月份,所在区,行业代码,工业总产值\n{USCC_A},2024-01,朝阳区,C3511,10\n"
           f"{USCC_B},2024-01,海淀区,C3911,10\n").encode()
    with server.app.state.store.transaction() as s:
        assert import_file(s, ind, source_name="b-res-i.csv", actor="t").ok
        assert import_file(s, "\n".join(rows).encode(), source_name="b-res.csv", actor="t").ok
    page = _page(browser, server, "staff")
    page.goto(server.url + "/monitoring")
    page.locator("#mon-nav").get_by_role("link", name="节假日开复工").click()
    expect(page).to_have_url(re.compile(r"/monitoring/resumption$"))
    page.get_by_label("节假日").select_option("2024-spring_festival")
    page.locator("#res-filter").get_by_role("button", name="查看").click()
    expect(page.locator("h1")).to_contain_text("2024年春节")
    table = page.locator("#res-districts")
    first = table.locator("tr[data-day='2024-02-18'][data-key='110105']")
    expect(first).to_contain_text("朝阳区")
    expect(first.locator(".rate")).to_have_text("0.00%")
    expect(table.locator("tr[data-day='2024-02-21'][data-key='110105'] .rate")).to_have_text("100.00%")
    expect(table.locator("tr[data-day='2024-02-22'][data-key='110105'] .rate")).to_have_text("—")
    expect(table.locator("tr[data-key='110108']")).to_have_count(0)  # 海淀区 is not theirs
    expect(page.locator("#chart-resumption canvas, #chart-resumption svg").first).to_be_visible()
    expect(page.locator(f"#res-not-resumed tr[data-uscc='{USCC_A}']")).to_be_visible()
    expect(page.locator("#res-not-resumed")).not_to_contain_text(USCC_B)
    page.screenshot(path=SHOTS / "83-monitoring-resumption.png", full_page=True)
    with page.expect_download() as info:
        page.locator("#res-xlsx").click()
    from openpyxl import load_workbook

    assert info.value.suggested_filename == "resumption-2024-spring_festival-110105.xlsx"
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert [r[0] for r in book["第3个工作日未复工企业"].iter_rows(min_row=2, values_only=True)] == [USCC_A]


def test_the_parks_page_shows_parks_and_a_chart(server, browser):
    """The 朝阳区 staff open 重点园区 from the overview: their district's parks, a drawn chart."""
    csv = ("统一社会信用代码,月份,所在区,所在园区,工业总产值\n"
           f"{USCC_A},2035-05,朝阳区,电子城科技园,321.00\n{USCC_B},2035-05,海淀区,中关村软件园,99.00\n").encode()
    with server.app.state.store.transaction() as s:
        assert import_file(s, csv, source_name="browser-parks.csv", actor="t").ok
    page = _page(browser, server, "staff")
    page.goto(server.url + "/monitoring?month=2035-05")
    page.locator("#mon-nav").get_by_role("link", name="重点园区").click()
    expect(page).to_have_url(re.compile(r"/monitoring/parks$"))
    page.get_by_label("月份").fill("2035-05")
    page.get_by_role("button", name="查看").click()
    row = page.locator("#mon-parks tr[data-park='电子城科技园']")
    expect(row).to_contain_text("321.00")
    expect(page.locator("#mon-parks")).not_to_contain_text("中关村软件园")  # 海淀区: not theirs
    expect(page.locator("#chart-parks canvas, #chart-parks svg").first).to_be_visible()
    page.screenshot(path=SHOTS / "84-monitoring-parks.png", full_page=True)
