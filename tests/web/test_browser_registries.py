"""A keeping unit reviews candidates at a browser (Playwright + Debian chromium): the 市经信局
staff member opens 企业库 → 优质中小企业梯度培育库 → 候选与申请审核, accepts two candidates in bulk,
is told a rejection needs a reason, rejects the third with one, and finds the two on the list."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from zhida.registries import review
from zhida.registries.candidates import Candidate
from zhida.registries.definition import registries

from .browser_login import sign_in
from .conftest import make_uscc
from .enterprise_seed import add_example
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

NAMES = {make_uscc("91110105MA0BRG1A0"): "北京朝阳梯度甲科技有限公司",
         make_uscc("91110105MA0BRG2B0"): "北京朝阳梯度乙科技有限公司",
         make_uscc("91110105MA0BRG3C0"): "北京朝阳梯度丙科技有限公司"}


def test_a_unit_reviews_candidates(server, browser):
    reg = registries()["srdi-ladder"]
    for uscc, name in NAMES.items():
        add_example(server.app, uscc, name)
    today = dt.date.today()
    with server.app.state.store.transaction() as s:
        review.propose_candidates(s, reg, [Candidate(u, n, "110105", "3511", "srdi_sme", "2022", ("评价得分达到60分以上",))
                                           for u, n in NAMES.items()], today, review.proposer("批量筛选"))
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = sign_in(context.new_page(), server.url, "staff")
    page.get_by_role("link", name="企业库").first.click()
    page.get_by_role("link", name="优质中小企业梯度培育库").click()
    page.get_by_role("link", name="候选与申请审核").click()
    table = page.locator("#proposals")
    for name in NAMES.values():
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("评价得分达到60分以上")
    first, second, third = NAMES.values()
    page.get_by_label(f"选择{first}").check()
    page.get_by_label(f"选择{second}").check()
    page.screenshot(path=SHOTS / "60-registry-review.png", full_page=False)
    page.get_by_role("button", name="审核通过入库").click()
    expect(page.locator("#proposals")).not_to_contain_text(first)
    page.get_by_label(f"选择{third}").check()
    page.get_by_role("button", name="不予入库").click()
    expect(page.locator(".error-message")).to_contain_text("理由")
    page.go_back()
    page.get_by_label(f"选择{third}").check()
    page.get_by_label("理由（不予入库须填写）").fill("研发投入不足")
    page.get_by_role("button", name="不予入库").click()
    expect(page.locator("#proposals")).not_to_contain_text(third)
    page.get_by_role("link", name="在库企业").click()
    members = page.locator("#members")
    expect(members).to_contain_text(first)
    expect(members).to_contain_text(second)
    expect(members).not_to_contain_text(third)
    expect(members).to_contain_text("专精特新中小企业")
    page.get_by_role("link", name="梯度培育统计").click()
    expect(page.locator("#tier-counts")).to_contain_text("专精特新中小企业")
    expect(page.locator("#registry-funnel canvas")).to_have_count(1)
    expect(page.locator("#figures-computed-at")).to_contain_text("统计时间：")
    page.screenshot(path=SHOTS / "61-registry-figures.png", full_page=False)
    context.close()
