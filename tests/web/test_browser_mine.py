"""The enterprise's journey at a browser (Playwright + Debian chromium, headless): an enterprise
user logs in and lands on 我的政策, sees the totals split and a quote linked to its clause,
supplies a missing fact on the checkup page, comes back and sees 自上次访问以来的变化.
Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from zhida import config

from .browser_login import sign_in
from .mine_seed import mine_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]
TRANSPORT = "bj2022mfg.key-material-transport-pass"
ALLOWED_LATIN = {"PDF", "XLSX", "USCC", "API"}


def test_enterprise_lands_on_my_policies_supplies_a_fact_and_sees_what_changed(server):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    page_uscc = mine_user(server.app, "mine_browser", "91110105MA0BRWMY0", "浏览器")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(60_000)  # a loaded machine: the first checkup runs the engine
        external = []
        page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server.url) else None)

        sign_in(page, server.url, "mine_browser", lands_on="/my")
        expect(page.locator("h1")).to_contain_text("我的政策")
        expect(page.get_by_role("link", name="我的政策")).to_have_attribute("aria-current", "page")
        expect(page.locator("#changes")).to_contain_text("第一次查看")
        expect(page.locator("#my-totals tr[data-kind='certain'] th")).to_have_text("确定可得")
        expect(page.locator("#my-totals tr[data-kind='up_to'] th")).to_have_text("最高可达")
        item = page.locator("#now .my-item").first
        expect(item.locator("blockquote.quote")).to_contain_text("“")
        assert item.locator("blockquote.quote a.source-link").get_attribute("href").startswith("/policies/")
        expect(item.locator("[data-how='phone']")).to_be_visible()
        expect(page.locator(f"#one-fact .my-item[data-measure='{TRANSPORT}']")).to_be_attached()
        page.screenshot(path=SHOTS / "40-my-policies.png", full_page=True)
        # every word shown is Chinese; quotes are the source's own text (a title may say APEC)
        shown = page.evaluate("""() => { const m = document.querySelector('main').cloneNode(true);
            m.querySelectorAll('.quote, [title]').forEach(e => e.remove()); return m.innerText; }""")
        words = set(re.findall(r"[A-Za-z]{2,}", shown)) - ALLOWED_LATIN
        assert not words, words
        expect(page.locator("#calculator-link")).to_have_attribute("href", "/calculator?profile=1")

        link = page.locator(f"#one-fact .my-item[data-measure='{TRANSPORT}'] a.fact-link").first
        if not link.is_visible():  # beyond the first 20: behind "其余 N 项"
            page.locator("#one-fact-more > summary").click()
        link.click()
        expect(page).to_have_url(server.url + f"/enterprises/{page_uscc}#missing-facts")
        row = page.locator(".fact-row[data-fact='epidemic_control_commitment']")
        if not row.is_visible():  # beyond the first missing facts: behind "其余 N 项"
            page.locator("#missing-more > summary").click()
        row.locator("select[name=value]").select_option("true")
        row.get_by_role("button", name="保存并重新体检").click()
        expect(page.locator("#fact-notice")).to_be_visible()

        page.get_by_role("link", name="我的政策").click()
        expect(page).to_have_url(server.url + "/my")
        changes = page.locator("#changes")
        expect(changes).to_contain_text("自上次访问以来的变化")
        expect(changes.locator(f"li[data-kind='status'][data-measure='{TRANSPORT}']")).to_contain_text("待确认 → 可享受")
        expect(page.locator(f"#now .my-item[data-measure='{TRANSPORT}']")).to_be_visible()
        page.screenshot(path=SHOTS / "41-my-policies-changed.png", full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the page
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SHOTS / "42-my-policies-phone.png", full_page=False)
        assert external == []
        browser.close()
