"""A person at a browser: Playwright driving Debian's chromium (headless) against the real server.

Logs in, searches '专精特新 贷款', opens a document and a clause, and keeps screenshots in
test-artifacts/screenshots/. chromium must be installed (`apt-get install -y chromium`);
`make test` installs it — a missing browser fails the test rather than skipping it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from zhida import config

from .conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def test_login_search_document_clause(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server.url) else None)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(server.url + "/policies")  # public: read without an account, 登录 at the top
    page.get_by_role("link", name="登录").click()
    expect(page).to_have_url(server.url + "/login?next=%2Fpolicies")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.screenshot(path=SHOTS / "01-login.png")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(server.url + "/policies")
    expect(page.get_by_role("link", name="政策库")).to_have_attribute("aria-current", "page")
    expect(page.locator("table.documents tbody tr")).to_have_count(5)
    page.screenshot(path=SHOTS / "02-policies.png", full_page=True)

    page.get_by_role("searchbox", name="检索词").fill("专精特新 贷款")
    page.get_by_role("button", name="检索").click()
    expect(page).to_have_url(server.url + "/policies/search?q=%E4%B8%93%E7%B2%BE%E7%89%B9%E6%96%B0+%E8%B4%B7%E6%AC%BE")
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    marks = page.locator("li.hit mark").all_inner_texts()
    assert {"專精特新", "貸款"} & set(marks) or {"专精特新", "贷款"} & set(marks), marks
    page.screenshot(path=SHOTS / "03-search.png", full_page=True)

    # Open the 专精特新 document from its hit, then the clause itself.
    hit = hits.filter(has_text="專精特新").first
    clause_href = hit.locator("a.hit-title").get_attribute("href")
    assert "/clauses/" in clause_href
    page.goto(server.url + clause_href.split("/clauses/")[0])
    expect(page.locator("nav.clause-tree")).to_be_visible()
    expect(page.locator("section.clause-row").first).to_be_visible()
    assert page.locator("aside.rule-slot").count() > 0  # the rule column beside every clause
    page.screenshot(path=SHOTS / "04-document.png")

    hit_clause = clause_href.split("/clauses/")[1].split("?")[0]
    link = page.locator(f"section#c-{hit_clause.replace('.', chr(92) + '.')} a.clause-id")
    location = link.inner_text()  # the clause as a reader cites it: 第二条第3项
    assert location.startswith("第") and " " not in location, location
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(location)
    expect(page.locator(".clause-source")).to_contain_text("專精特新")
    expect(page.locator(".rules-panel")).to_be_visible()
    page.screenshot(path=SHOTS / "05-clause.png", full_page=True)

    # A clause with an encoded rule: text and rule side by side.
    page.goto(server.url + "/policies/003/clauses/4.46")
    expect(page.locator(".rule-card").first).to_contain_text("首台套")
    expect(page.locator(".rule-card").first).to_contain_text("30万元")
    page.screenshot(path=SHOTS / "06-clause-with-rule.png", full_page=True)

    # Tablet width: still usable (menu folds, one column).
    page.set_viewport_size({"width": 800, "height": 1100})
    page.goto(server.url + "/policies/003")
    expect(page.locator(".nav-toggle")).to_be_visible()
    page.locator(".nav-toggle").click()
    expect(page.get_by_role("link", name="政策解析进度")).to_be_visible()
    page.screenshot(path=SHOTS / "07-tablet-document.png")

    assert external == [], external  # nothing fetched from the network
    assert console_errors == [], console_errors  # e.g. no CSP violations
    context.close()
