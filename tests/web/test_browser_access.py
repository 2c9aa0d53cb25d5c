"""Phones, keyboards and eyes (issue 11 §5, §7, §9), at a real browser (Playwright + chromium):

- every main page at 390 px: no page overflow (tables scroll inside their box), no column so
  narrow it shows one character per line;
- every page: a skip link 「跳到主要内容」 first, and every piece of text at WCAG AA contrast
  (4.5:1, 3:1 for large text), computed from the colours the browser applies (WCAG 2.x relative
  luminance; a translucent background is blended over what lies beneath it);
- keyboard only (Tab / Enter, and typing into fields): log in, open an enterprise's checkup,
  supply a fact, hear the result — with a visible focus ring at every stop;
- supplying a fact keeps the user where they were, with JS (htmx) and without.
Screenshots in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from zhida import config

from .browser_login import sign_in
from .conftest import PASSWORD, make_uscc
from .enterprise_seed import add_example

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
OWN = make_uscc("91110105MA0KEYBD1")  # this module's enterprise (its facts are edited here)
JS_OWN = make_uscc("91110105MA0PLACE1")
NOJS_OWN = make_uscc("91110105MA0NJXPL1")
DOCUMENT = "000_094af80e03a20c8c"
SLOW = 30_000  # ms: a re-check runs the engine, slow on a loaded machine

# Contrast of every text node's element against the background it is painted on.
CONTRAST_JS = """() => {
  const rgba = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => { const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1]; };
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255, 1]; for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out); return out; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const failures = []; const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("svg, canvas, script, style, [aria-hidden=true], :disabled")) continue;
    const s = getComputedStyle(el); const box = el.getBoundingClientRect();
    if (s.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    const bg = background(el); const fg = over(rgba(s.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a); const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize); const large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 ${s.color} on rgb(${bg.slice(0, 3).map(Math.round)}) «${el.textContent.trim().slice(0, 30)}» <${el.tagName.toLowerCase()} class="${el.className}">`);
  }
  return [...new Set(failures)];
}"""

FIRST_STOP_JS = """() => { const el = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
  .find((e) => e.tabIndex >= 0 && !e.disabled); return el ? [el.textContent.trim(), el.getAttribute("href")] : null; }"""

# Page overflow and cells too narrow for their text (one character per line).
LAYOUT_JS = """() => {
  const narrow = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const text = cell.innerText.trim(); const box = cell.getBoundingClientRect();
    if (text.length < 3 || box.width === 0) continue;
    const s = getComputedStyle(cell); const em = parseFloat(s.fontSize);
    const inner = box.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (inner < 2.5 * em) narrow.push(`${Math.round(inner)}px «${text.slice(0, 20)}»`);
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width: window.innerWidth, narrow: narrow.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def browser(server, seeded):
    assert Path(CHROMIUM).exists(), "chromium is not installed: apt-get install -y chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for uscc, name in ((OWN, "北京朝阳键盘测试机械有限公司"), (JS_OWN, "北京朝阳原位测试机械有限公司"),
                       (NOJS_OWN, "北京朝阳无脚本测试机械有限公司")):
        add_example(server.app, uscc, name)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def _login(browser, server, viewport, username="admin", **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    page.external = []
    page.on("request", lambda r: page.external.append(r.url) if not r.url.startswith(server.url) else None)
    return sign_in(page, server.url, username)


ROLES = ("admin", "staff", "ent_a")  # each sees its own navigation (我的政策, the dashboard …)


def _main_pages(page, server, username: str = "admin") -> list[str]:
    """Every page of the user's main navigation and its landing page, and (the admin) the pages
    one opens from them."""
    landing = page.url.removeprefix(server.url)
    page.goto(server.url + "/policies")
    nav = [a.get_attribute("href") for a in page.locator("#mainnav a").all()]
    extra = [f"/policies/{DOCUMENT}", f"/policies/{DOCUMENT}/clauses/1.1", "/policies/search?q=专精特新",
             f"/enterprises/{OWN}", "/account"] if username == "admin" else []
    return list(dict.fromkeys(h for h in [landing, *nav, *extra] if h and h.startswith("/")))


@pytest.mark.parametrize("username", ROLES)
def test_every_main_page_fits_a_phone(server, browser, username):
    page = _login(browser, server, PHONE, username)
    problems = {}
    for path in _main_pages(page, server, username):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(LAYOUT_JS)
        name = path.strip("/").replace("/", "-").split("?")[0] or "home"
        page.screenshot(path=SHOTS / f"390-{username}-{name}.png")
        if found["scrollWidth"] > found["width"] or found["narrow"]:
            problems[path] = found
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    assert page.external == []


def test_every_page_has_a_skip_link_and_aa_contrast(server, browser):
    anonymous = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    anonymous.goto(server.url + "/policies")
    pages = [(anonymous, p) for p in ["/login", *(a.get_attribute("href") for a in anonymous.locator("#mainnav a").all())]]
    for username in ROLES:
        page = _login(browser, server, DESKTOP, username)
        pages += [(page, p) for p in _main_pages(page, server, username)]
    problems = {}
    for tab, path in pages:
        tab.goto(server.url + path)
        tab.wait_for_load_state("networkidle")
        first = tab.evaluate(FIRST_STOP_JS)  # the first Tab stop of every page (in document order)
        if first != ["跳到主要内容", "#main"]:
            problems[path] = f"first Tab stop: {first}"
            continue
        tab.locator(".skip-link").focus()
        expect(tab.locator(".skip-link")).to_be_in_viewport()  # shown when focused
        tab.keyboard.press("Enter")
        if tab.evaluate("() => document.activeElement.id") != "main":
            problems[path] = "the skip link does not move focus to the main content"
        for opened in tab.locator("details").all():  # folded content must pass too
            opened.evaluate("d => d.open = true")
        failures = tab.evaluate(CONTRAST_JS)
        if failures:
            problems[path] = failures[:8]
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def _fact_row(page, fact: str):
    row = page.locator(f".fact-row[data-fact='{fact}']")
    if not row.is_visible():  # beyond the first 30 missing facts: behind 「其余 N 项」
        page.locator("#missing-more > summary").click()
    return row


def test_supplying_a_fact_keeps_the_user_in_place_and_says_what_changed(server, browser):
    page = _login(browser, server, DESKTOP)
    page.goto(server.url + f"/enterprises/{JS_OWN}")
    before = int(page.locator("#count-eligible").inner_text())
    row = _fact_row(page, "epidemic_control_commitment")
    expect(row.locator("select[name=value]")).to_have_value("")  # 请选择: no answer preselected
    row.scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 300
    row.locator("select[name=value]").select_option("true")
    row.get_by_role("button", name="保存并重新体检").click()
    notice = page.locator("#fact-notice")
    expect(notice).to_contain_text("+1 项可享受", timeout=SLOW)
    expect(notice).to_be_in_viewport()
    assert page.evaluate("scrollY") > 300  # not sent back to the top
    assert page.evaluate("document.activeElement.id") == "fact-result"  # focused: read out
    expect(page.locator("#count-eligible")).to_have_text(str(before + 1))
    page.screenshot(path=SHOTS / "16-fact-announced.png")
    assert page.external == []


def test_without_javascript_the_answer_opens_at_the_same_place(server, browser):
    page = _login(browser, server, DESKTOP, java_script_enabled=False)
    page.goto(server.url + f"/enterprises/{NOJS_OWN}")
    page.locator("#missing-more").evaluate("d => d.open = true")  # (the no-JS user clicks 其余 N 项)
    row = page.locator(".fact-row[data-fact='epidemic_control_commitment']")
    row.locator("select[name=value]").select_option("true")
    row.get_by_role("button", name="保存并重新体检").click()
    expect(page).to_have_url(server.url + f"/enterprises/{NOJS_OWN}/facts#fact-result", timeout=SLOW)
    expect(page.locator("#fact-notice")).to_contain_text("+1 项可享受")
    expect(page.locator("#fact-notice")).to_be_in_viewport()
    assert page.evaluate("scrollY") > 300


FOCUS_JS = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.innerText || el.value || el.name || "").trim().slice(0, 20), href: el.getAttribute("href"),
          name: el.getAttribute("name"), fact: el.closest(".fact-row")?.dataset.fact || null,
          kind: el.getAttribute("inputmode"), visible: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2}; }"""


def test_keyboard_only_log_in_open_a_checkup_supply_a_fact(server, browser):
    """Tab and Enter (and typing into fields) only; every stop shows its focus ring."""
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    stops = []

    def tab_to(wanted, limit=400):
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS_JS)
            stops.append(focused)
            # (BODY: focus left the page for the browser's own controls, and comes back on the next Tab)
            assert focused["visible"] or focused["tag"] == "BODY", f"focus not visible: {focused}"
            if wanted(focused):
                return focused
        raise AssertionError(f"not reached by Tab: {stops[-5:]}")

    page.goto(server.url + "/login")
    tab_to(lambda f: f["name"] == "username")
    page.keyboard.type("admin")
    tab_to(lambda f: f["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(server.url + "/login")

    tab_to(lambda f: f["href"] == "/enterprises")
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url + "/enterprises")
    tab_to(lambda f: f["name"] == "uscc")
    page.keyboard.type(OWN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url + f"/enterprises/{OWN}")

    number = tab_to(lambda f: f["fact"] and f["name"] == "value" and f["kind"] == "decimal")
    page.keyboard.type("1000000")
    page.keyboard.press("Enter")
    notice = page.locator("#fact-notice")
    expect(notice).to_contain_text("已保存并重新体检", timeout=SLOW)
    expect(notice).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == "fact-result"
    assert page.locator(f".fact-row[data-fact='{number['fact']}']").count() == 0  # supplied: no longer missing
    page.screenshot(path=SHOTS / "17-keyboard-fact.png")
