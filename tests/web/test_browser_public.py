"""A visitor without an account at a browser (Playwright + Debian's chromium): reads a document's
政策解读, searches the library, walks the 政策计算器 to a result — and is sent to the login page
for an enterprise's checkup. No cookie is set along the way. Screenshots: test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import USCC_A
from .test_browser import SHOTS, browser  # noqa: F401 - the shared chromium fixture

ALLOWED_LATIN = {"PDF", "XLSX", "USCC", "API"}
WAIT = 30_000  # ms: a loaded machine (many test processes) may take seconds per step


def _latin_words(page) -> set[str]:
    """Latin words in what the page shows (its own text, not the quotes of the original)."""
    shown = page.evaluate("""() => { const c = document.body.cloneNode(true);
        c.querySelectorAll('blockquote, script, style').forEach(e => e.remove()); return c.innerText; }""")
    return set(re.findall(r"[A-Za-z]{2,}", shown)) - ALLOWED_LATIN


def _visitor(server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(r.url) if not r.url.startswith(server.url) else None)
    return context, page, problems


def test_visitor_reads_interpretation_and_searches(server, browser):  # noqa: F811
    context, page, problems = _visitor(server, browser)
    page.goto(server.url + "/policies")
    expect(page.get_by_role("link", name="登录")).to_be_visible(timeout=WAIT)
    expect(page.locator("table.documents tbody tr")).to_have_count(5, timeout=WAIT)

    page.get_by_role("searchbox", name="检索词").fill("研发费用")
    page.get_by_role("button", name="检索").click()
    expect(page.locator("li.hit").first).to_be_visible(timeout=WAIT)
    page.screenshot(path=SHOTS / "public-01-search.png", full_page=True)

    page.goto(server.url + "/policies/002_2f4420f430754317")
    page.get_by_role("link", name="政策解读（通俗版）").click()
    expect(page).to_have_url(re.compile(r"/policies/002_2f4420f430754317/interpretation$"), timeout=WAIT)
    card = page.locator("article#m-cy2022\\.sme-rd-reward")
    expect(card).to_contain_text("谁能享受", timeout=WAIT)
    expect(card).to_contain_text("研发费用 × 20%", timeout=WAIT)
    expect(card.locator("blockquote").filter(has_text="最高不超过100万元").first).to_be_visible(timeout=WAIT)
    expect(card).to_contain_text("至2022年12月31日", timeout=WAIT)
    expect(card).to_contain_text("申报方式未明确", timeout=WAIT)
    assert _latin_words(page) == set()
    page.screenshot(path=SHOTS / "public-02-interpretation.png", full_page=False)
    card.locator("blockquote a").first.click()  # the original clause behind a point
    expect(page.locator(".clause-source")).to_be_visible(timeout=WAIT)

    assert context.cookies() == []  # nothing kept about the visitor
    assert problems == [], problems
    context.close()


def test_visitor_walks_the_calculator_to_a_result(server, browser):  # noqa: F811
    context, page, problems = _visitor(server, browser)
    page.goto(server.url + "/policies")
    page.get_by_role("link", name="政策计算器").click()
    page.goto(server.url + "/calculator?as_of=2022-08-01")  # the seeds' policies were in force in 2022
    answer = page.locator("#answer")
    expect(page.get_by_label("主体类型")).to_have_value("", timeout=WAIT)  # starts at 请选择
    expect(page.locator("#answer option:checked")).to_have_text("请选择", timeout=WAIT)
    page.get_by_label("主体类型").select_option(label="企业（公司、合伙企业、个人独资企业）")
    page.get_by_role("button", name="下一题").click()
    expect(page.get_by_label("注册地（区县）")).to_be_visible(timeout=WAIT)
    page.get_by_label("注册地（区县）").select_option(label="北京市朝阳区")
    page.get_by_role("button", name="下一题").click()
    result = page.locator(".calc-result")
    expect(page.locator(".calc-question")).to_contain_text("第 3 题", timeout=WAIT)
    assert _latin_words(page) == set()
    expect(result).to_contain_text(re.compile(r"可享受 [1-9]\d* 项"), timeout=WAIT)
    first_count = int(re.search(r"可享受 (\d+) 项", result.inner_text()).group(1))
    page.screenshot(path=SHOTS / "public-03-calculator.png", full_page=True)

    # Answer what can be answered, skip the rest, a few more steps: the result follows.
    numbers = {"人": "50", "元": "30000000"}
    question = page.locator(".calc-question")
    for n in range(3, 9):
        expect(question).to_contain_text(f"第 {n} 题", timeout=WAIT)  # the previous answer's page has arrived (htmx)
        if page.get_by_role("button", name="下一题").count() == 0:
            break
        label = page.locator("label[for=answer]").inner_text()
        kind = answer.evaluate("e => e.tagName")
        if kind == "SELECT" and ("是否" in label or answer.locator("option").count() == 3):
            answer.select_option(index=2 if answer.locator("option").nth(2).inner_text() == "否" else 1)
            page.get_by_role("button", name="下一题").click()
        elif kind == "INPUT" and any(f"（{u}）" in label for u in numbers):
            answer.fill(next(v for u, v in numbers.items() if f"（{u}）" in label))
            page.get_by_role("button", name="下一题").click()
        else:
            page.get_by_role("button", name="不清楚，跳过").click()
        expect(page.locator(".calc-answers")).to_be_visible(timeout=WAIT)
    expect(page.locator(".calc-items li").first).to_be_visible(timeout=WAIT)
    final = int(re.search(r"可享受 (\d+) 项", result.inner_text()).group(1))
    assert final >= first_count
    expect(page.locator(".calc-totals")).to_contain_text("确定可得", timeout=WAIT)
    page.screenshot(path=SHOTS / "public-04-calculator-result.png", full_page=True)
    page.locator(".calc-items a").first.click()  # from a result to its 解读
    expect(page.locator("h1")).to_contain_text("政策解读", timeout=WAIT)

    assert context.cookies() == []
    assert problems == [], problems
    context.close()


def test_visitor_is_sent_to_login_for_a_checkup(server, browser):  # noqa: F811
    context, page, _problems = _visitor(server, browser)
    page.goto(server.url + f"/enterprises/{USCC_A}")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fenterprises%2F" + USCC_A), timeout=WAIT)
    expect(page.get_by_label("用户名")).to_be_visible(timeout=WAIT)
    context.close()


def test_phone_width_and_keyboard_only(server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    for path in ("/calculator?as_of=2022-08-01&a.entity_type=enterprise&a.region_code=110105",
                 "/policies/002_2f4420f430754317/interpretation"):
        page.goto(server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)  # nothing wider than the phone
    page.goto(server.url + "/calculator?as_of=2022-08-01&a.entity_type=enterprise&a.region_code=110105")
    page.screenshot(path=SHOTS / "public-05-calculator-phone.png", full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/calculator?as_of=2022-08-01")
    for _ in range(40):  # keyboard only: Tab to the question …
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "answer":
            break
    assert page.evaluate("document.activeElement.id") == "answer"
    page.keyboard.press("ArrowDown")  # … choose the first answer …
    assert page.locator("#answer").input_value() == "enterprise"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "下一题"
    page.keyboard.press("Enter")  # … and go on
    expect(page.locator(".calc-question")).to_contain_text("第 2 题", timeout=WAIT)
    expect(page.locator(".calc-answers")).to_contain_text("主体类型：企业", timeout=WAIT)
    context.close()


@pytest.mark.slow
def test_every_page_a_visitor_reaches_reads_in_chinese(server, browser):  # noqa: F811
    """The no-Latin-words crawl (test_browser_words) as a visitor without an account, from '/':
    the library, every 解读 and the calculator, including the calculator's own links."""
    from .test_browser_words import WORD_SHOTS, crawl

    WORD_SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    found = crawl(page, server.url, "/", "visitor")
    found.update(crawl(page, server.url, "/calculator?as_of=2022-08-01&a.entity_type=enterprise"
                                         "&a.region_code=110105", "visitor-calculator"))
    assert [c["name"] for c in context.cookies()] == ["zhida_anon"]  # the crawl opened the login form
    context.close()
    assert not found, "Latin words on pages:\n" + "\n".join(f"{a}: {' '.join(w)}" for a, w in found.items())
