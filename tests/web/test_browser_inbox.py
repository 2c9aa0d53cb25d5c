"""消息 at a browser (Playwright + Debian chromium): an enterprise user sees the unread badge in the
header, opens the inbox, opens a message (read: the badge goes down), marks the rest read (the
badge is gone) and saves a subscription. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from zhida import notify
from zhida.enterprises.uscc import check_char
from zhida.web.auth import Actor, create_user

from .browser_login import sign_in
from .conftest import PASSWORD
from .test_browser_mine import ARGS, CHROMIUM, SHOTS

USCC = "91110105MA0NBX770" + check_char("91110105MA0NBX770")


def test_unread_badge_open_read_and_settings(server):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    store = server.app.state.store
    create_user(store, Actor("cli:test"), username="inbox_browser", password=PASSWORD, role="enterprise", uscc=USCC,
                display_name="消息测试企业")
    with store.transaction() as session:
        for title, body in (("申报已受理", "您的申报已受理，受理编号 2026-0012。"),
                            ("请补正材料", "请在 5 个工作日内补充营业执照副本。")):
            notify.publish(session, event="application.step", recipients=[notify.Recipient.enterprise(USCC)],
                           title=title, body=body, link="/my")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(60_000)
        sign_in(page, server.url, "inbox_browser")
        page.goto(server.url + "/policies")
        expect(page.locator("#unread-badge")).to_have_text("2")
        page.locator("#inbox-link").click()
        expect(page).to_have_url(server.url + "/inbox")
        expect(page.locator("tr.unread")).to_have_count(2)
        page.screenshot(path=SHOTS / "60-inbox.png", full_page=True)

        page.get_by_role("link", name="请补正材料").click()
        expect(page.locator("h1")).to_have_text("请补正材料")
        expect(page.locator("article.message")).to_contain_text("营业执照副本")
        expect(page.locator("#unread-badge")).to_have_text("1")
        page.get_by_role("link", name="返回消息列表").click()
        expect(page.locator("tr.unread")).to_have_count(1)
        expect(page.locator("tr.read")).to_have_count(1)

        page.locator("#mark-all-read").click()
        expect(page.locator("tr.unread")).to_have_count(0)
        expect(page.locator("#unread-badge")).to_have_count(0)
        shown = page.locator("main").inner_text()
        assert not re.findall(r"[A-Za-z]{2,}", shown), shown

        page.get_by_role("link", name="通知设置").click()
        page.locator("input[name=topic][value=all]").uncheck()
        page.locator("input[name=topic][value=measure_kind]").check()
        page.get_by_label("资金补贴", exact=False).first.check()
        page.get_by_role("button", name="保存设置").click()
        expect(page.locator("p.notice")).to_have_text("设置已保存")
        expect(page.locator("input[name=topic][value=measure_kind]")).to_be_checked()
        expect(page.locator("input[name=topic][value=all]")).not_to_be_checked()
        page.screenshot(path=SHOTS / "61-inbox-settings.png", full_page=True)
        browser.close()
