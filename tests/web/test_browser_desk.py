"""The service desk at a browser (Playwright + Debian chromium).

1. An enterprise submits "留抵退税什么时候到账" on /desk; the 涉企专席 accepts it and dispatches it
   to the suggested unit — the tax unit — the tax officer signs, answers citing the suggested
   clause, and the enterprise reads the answer with the clause and rates it 满意: 已办结.
2. A 服务管家 plans and records a visit on the enterprise page of a service package, turns one
   finding into a need and another into a request in one click each, and sees both there and
   on the package page. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from zhida.web.auth import Actor, create_user

from .browser_login import sign_in
from .conftest import PASSWORD, USCC_A
from .desk_accounts import make_desk_staff
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

QUESTION = "留抵退税什么时候到账"
OFFICER = "desk_guanjia"


def _page(browser, server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    return sign_in(context.new_page(), server.url, username)


def _step(page, name: str):
    return page.locator(f"form.step[data-step='{name}']")


def test_enterprise_question_is_routed_answered_with_the_clause_and_rated(server, browser):
    make_desk_staff(server)
    ent = _page(browser, server, "ent_a")
    ent.goto(server.url + "/desk")
    ent.get_by_label("诉求内容").fill(QUESTION)
    ent.get_by_role("button", name="提交诉求").click()
    expect(ent).to_have_url(re.compile(r"/desk/requests/\d+$"))
    expect(ent.locator("#request-state")).to_contain_text("待受理")
    path = ent.url.removeprefix(server.url)
    ent.screenshot(path=SHOTS / "60-desk-submitted.png", full_page=True)

    line = _page(browser, server, "desk_line")
    line.goto(server.url + path)
    expect(line.locator("#suggestion")).to_contain_text("市税务局")
    expect(line.locator("#suggestion blockquote").first).to_contain_text("留抵")
    _step(line, "accept").get_by_role("button").click()
    expect(line.locator("#request-state")).to_contain_text("待派单")
    dispatch = _step(line, "dispatch")
    expect(dispatch.get_by_label("承办单位")).to_have_value("市税务局")  # the suggestion comes first
    line.screenshot(path=SHOTS / "61-desk-dispatch.png", full_page=True)
    dispatch.get_by_role("button", name="派单").click()
    expect(line.locator("#request-unit")).to_have_text("市税务局")

    tax = _page(browser, server, "desk_tax")
    tax.goto(server.url + path)
    _step(tax, "sign").get_by_role("button").click()
    answer = _step(tax, "answer")
    expect(answer.get_by_label("答复内容")).to_have_value(re.compile("留抵"))  # 政策咨询 draft from the clauses, to edit
    answer.get_by_label("答复内容").fill("您的留抵退税申请审核通过后，将在10个工作日内退还至企业账户。")
    expect(answer.locator("input[name=cite]").first).to_be_checked()
    answer.get_by_role("button", name="反馈答复").click()
    expect(tax.locator("#request-state")).to_contain_text("已反馈待评价")

    ent.reload()
    expect(ent.locator("#answer")).to_contain_text("10个工作日内退还")
    expect(ent.locator("#answer blockquote")).to_contain_text("政策依据：《")
    expect(ent.locator("#answer blockquote")).to_contain_text("留抵")
    ent.screenshot(path=SHOTS / "62-desk-answered.png", full_page=True)
    rate = _step(ent, "rate_ok")
    rate.get_by_label("评价").select_option(label="满意")
    rate.get_by_role("button").click()
    expect(ent.locator("#request-state")).to_contain_text("已办结")
    expect(ent.locator("#answer")).to_contain_text("评价：满意（已解决）")
    expect(ent.locator("#history")).to_contain_text("评价（满意/基本满意）")


def test_officer_visit_finding_becomes_need_and_request_on_the_package_page(server, browser):
    try:
        create_user(server.app.state.store, Actor("cli:test"), username=OFFICER, password=PASSWORD,
                    display_name="服务管家小李", role="staff", units=["区科技和信息化局"], region="朝阳区")
    except Exception:  # noqa: BLE001 - made by an earlier run of this module in the session
        pass
    api = server.login(OFFICER)
    package = api.post("/api/v1/service-packages", json={"name": "朝阳区高精尖企业服务包", "level": "district",
                                                          "region": "朝阳区"}).json()
    assert api.post(f"/api/v1/service-packages/{package['id']}/members",
                    json={"usccs": [USCC_A], "officer_id": api.get("/api/v1/auth/me").json()["id"]}).status_code == 200

    page = _page(browser, server, OFFICER)
    page.goto(server.url + "/desk/packages")
    page.get_by_role("link", name="朝阳区高精尖企业服务包").last.click()
    page.locator(f"#package-members tr[data-uscc='{USCC_A}'] a").click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{USCC_A}$"))
    page.locator("summary", has_text="安排走访").click()
    page.get_by_label("走访目的").fill("了解企业融资与审批困难")
    page.get_by_role("button", name="安排走访").click()
    page.get_by_label("走访发现（每行一条）").fill("流动资金紧张，想申请贷款贴息\n新厂房施工许可办理慢")
    page.get_by_role("button", name="记录走访").click()
    findings = page.locator("li.finding")
    expect(findings).to_have_count(2)
    findings.nth(0).get_by_label("需求类别").select_option(label="融资")
    findings.nth(0).get_by_role("button", name="登记为需求").click()
    expect(page.locator("#needs")).to_contain_text("流动资金紧张，想申请贷款贴息")
    page.locator("li.finding").nth(1).get_by_role("button", name="转为诉求").click()
    expect(page.locator("#requests")).to_contain_text("新厂房施工许可办理慢")
    expect(page.locator("li.finding").nth(1)).to_contain_text("已转为诉求")
    page.screenshot(path=SHOTS / "63-desk-officer-enterprise.png", full_page=True)

    page.get_by_role("link", name="返回服务包").click()
    row = page.locator(f"#package-members tr[data-uscc='{USCC_A}']")
    expect(row.locator("td").nth(2)).to_have_text("1")  # open needs
    expect(row.locator("td").nth(3)).not_to_have_text("0")  # open requests
    page.screenshot(path=SHOTS / "64-desk-package.png", full_page=True)
