"""措施草稿审核 at a browser (Playwright + Debian chromium): a staff reviewer drafts 003, opens the
first-set subsidy draft beside its clause, breaks and fixes the YAML (the error is one Chinese line
naming the field), runs its cases, sees the enterprises whose result would change, and publishes
it under their name as version 1. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from .browser_login import sign_in
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

KEY = "003_4b22abcac525f172"
CASES = """- name: 500万元 → 封顶30万元
  as_of: 2022-08-01
  facts: {entity_type: enterprise, region_code: "140902", first_set_purchase.price: 5000000}
  expect: {status: eligible, amount: 300000}
"""


def test_review_edit_cases_impact_publish(server, browser, seeded):
    page = sign_in(browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page(),
                   server.url, "staff")
    page.goto(server.url + "/rules/drafts")
    page.locator("#make-form select[name=document]").select_option(KEY)
    page.get_by_role("button", name="起草措施").click()
    expect(page).to_have_url(re.compile(rf"/rules/drafts/{KEY}$"))
    expect(page.locator("#document-text mark").first).to_be_visible()  # the text beside its drafts
    page.screenshot(path=SHOTS / "80-drafts-document.png", full_page=True)
    page.locator("#draft-list a", has_text="按购买价格10%给予补贴").click()
    expect(page.locator("#source-text mark#sentence")).to_contain_text("最高不超过30万元")
    editor = page.locator("#edit-form textarea[name=yaml]")
    good = editor.input_value()
    assert "cap: 300000" in good and "first_set_purchase.price * 0.1" in good

    editor.fill(good.replace("kind: cash_subsidy", "kind: 现金"))
    page.get_by_role("button", name="保存并校验").click()
    expect(page.locator("#yaml-errors li")).to_have_count(1)
    expect(page.locator("#yaml-errors li")).to_contain_text("政策类别：取值须为以下之一")

    expect(page.locator("#open-fields")).to_contain_text("受益对象")  # the sentence names no beneficiary
    good = good.replace("kind: cash_subsidy\n", "kind: cash_subsidy\nbeneficiary: enterprise\n")
    page.locator("#edit-form textarea[name=yaml]").fill(good)
    page.locator("#edit-form textarea[name=cases_yaml]").fill(CASES)
    page.get_by_role("button", name="保存并校验").click()
    expect(page.locator("#yaml-ok")).to_have_text("格式校验通过")

    page.get_by_role("button", name="运行案例").click()
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    expect(page.locator("#case-results tbody tr").first).to_contain_text("通过")
    expect(page.locator("#case-results tbody tr").first).to_contain_text("300000.00")

    page.locator("#impact input[name=as_of]").fill("2022-08-01")
    page.get_by_role("button", name="查看影响").click()
    expect(page.locator("#impact-summary")).to_contain_text("结果将变化")
    page.screenshot(path=SHOTS / "81-drafts-review.png", full_page=True)

    page.get_by_role("button", name=re.compile("的名义发布")).click()
    expect(page.locator("#draft-status")).to_have_text("已发布")
    expect(page.locator("#published-version")).to_have_text("1")
    expect(page.locator("#published-by")).to_have_text("测试staff")
    page.screenshot(path=SHOTS / "82-drafts-published.png", full_page=True)


def test_review_pages_read_in_chinese(server, browser):
    """The YAML is the format reviewers edit (in a text box, as typed input); everything else on the
    three pages is Chinese (the crawl of test_browser_words reaches them only when drafts exist)."""
    from zhida.drafting import drafts
    from zhida.matching.match import load_default_policies

    from .test_browser_words import latin_words

    key = "002_2f4420f430754317"
    with server.app.state.store.transaction() as session:
        drafts.make(session, key, load_default_policies(), datetime.now(UTC))
        first = drafts.of_document(session, key)[0].id
    page = sign_in(browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page(),
                   server.url, "admin")
    for path in ("/rules/drafts", f"/rules/drafts/{key}", f"/rules/drafts/item/{first}"):
        page.goto(server.url + path)
        assert latin_words(page.locator("body").inner_text()) == [], path
