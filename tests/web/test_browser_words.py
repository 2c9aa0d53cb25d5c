"""No English or raw codes where Chinese belongs (issue 11 §2): a browser logs in as each role,
follows every same-origin link reachable from the role's landing page (bounded, a few pages per
kind of address, skipping logout and downloads) plus the error pages, and fails on any Latin-letter
word in the visible text that is not in ``ALLOWED`` (USCC, XLSX, PDF, API …).

Crawling rather than a fixed list of addresses keeps the check covering pages added later.
Screenshots of every page visited go to test-artifacts/screenshots/words/.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest

from .browser_login import sign_in
from .conftest import ACCOUNTS, USCC_A
from .imports import seeded_batch
from .test_browser import ARGS, CHROMIUM, SHOTS  # noqa: F401  (one chromium set-up for all browser tests)

WORD_SHOTS = SHOTS / "words"
# Latin words a Chinese reader meets on government platforms as they are
ALLOWED = {"USCC", "XLSX", "PDF", "API", "CSV", "JSON", "GB", "HTTP", "HTTPS", "Excel", "AA",
           "FDA", "EMA", "PMDA", "WHO", "APEC", "REITs", "CBD",  # as the source documents print them (002: CBD管委会)
           "KB", "MB"}  # file sizes, as Chinese software prints them
USCC_SHAPED = re.compile(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b")
# what users typed, like their names: an account's notification e-mail address
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# what users uploaded, like their names: an attachment's file name (营业执照.pdf, corrected-0.pdf)
FILENAME = re.compile(r"[^\s/：:]+\.(?:pdf|png|jpe?g|docx?|xlsx?|pptx?)\b", re.IGNORECASE)
# identifiers, like the USCC: project numbers, given by the library or imported
PROJECT_CODE = re.compile(r"\b[A-Z]{2,5}-?\d{3,}\b")  # XM0000001, IMP-001 from another system
# identifiers, like the USCC: a job's hexadecimal id (批量任务 d2f0888722cc)
HEX_ID = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b")
# a word of two letters or more (single letters are GB/T codes: 门类C, A级)
WORD = re.compile(r"[A-Za-z][A-Za-z_]+(?:[-_][A-Za-z]+)*")
# the test accounts' names are what users typed, not vocabulary
USERNAMES = re.compile("|".join(sorted(map(re.escape, [*ACCOUNTS, "命令行（test）"]), key=len, reverse=True)))
SKIP = re.compile(r"^/(logout|api/|static/)|\.(xlsx|pdf|csv|json)$|/export|/progress$")
PAGES_PER_ROLE = 60
PER_SHAPE = 2  # addresses that differ only in ids or query values: the first two are visited

ROLES = {"admin": "admin", "staff": "staff", "enterprise": "ent_a"}


def latin_words(text: str, names: re.Pattern = USERNAMES) -> list[str]:
    """Each offending word with a few characters around it, so a failure says where it is."""
    text = PROJECT_CODE.sub(" ", FILENAME.sub(" ", text))
    text = names.sub(" ", HEX_ID.sub(" ", USCC_SHAPED.sub(" ", EMAIL.sub(" ", text))))
    return [f"{m.group(0)}〔{' '.join(text[max(0, m.start() - 12):m.end() + 12].split())}〕"
            for m in WORD.finditer(text) if m.group(0) not in ALLOWED]


def shape(path_and_query: str) -> str:
    """'/policies/004_31b…/clauses/3.2?x=1' → '/policies/*/clauses/*?x': one kind of page."""
    parts = urlsplit(path_and_query)
    segments = ["*" if re.search(r"\d", s) else s for s in parts.path.split("/")]
    keys = sorted(q.split("=")[0] for q in parts.query.split("&") if q)
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def login(context, url: str, username: str):
    page = context.new_page()
    sign_in(page, url, username)
    page.wait_for_load_state("networkidle")
    return page


def store_usernames(admin_client) -> re.Pattern:
    """Every account's name in the shared store (other tests add theirs): what users typed is data."""
    names, page = [], 1
    while True:
        body = admin_client.get("/api/v1/users", params={"page": page, "per_page": 100}).json()
        names += [u["username"] for u in body["items"]]
        if page >= body["meta"]["pages"]:
            break
        page += 1
    names += [*ACCOUNTS, "命令行（test）"]
    return re.compile("|".join(sorted(map(re.escape, set(names)), key=len, reverse=True)))


def crawl(page, origin: str, start: str, name: str, names: re.Pattern = USERNAMES) -> dict[str, list[str]]:
    """Visit pages breadth-first from ``start``; {address: Latin words seen} for pages with any."""
    found: dict[str, list[str]] = {}
    queue, seen, shapes = deque([start]), {start}, Counter()
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        address = queue.popleft()
        response = page.goto(origin + address)
        page.wait_for_load_state("networkidle")
        visited += 1
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        words = latin_words(page.locator("body").inner_text(), names)
        if words:
            found[address] = sorted(set(words))[:8]
        page.screenshot(path=WORD_SHOTS / f"{name}-{visited:02d}.png", full_page=False)
        for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            if not href.startswith(origin):
                continue
            parts = urlsplit(href)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or SKIP.search(parts.path):
                continue
            seen.add(target)
            if shapes[shape(target)] >= PER_SHAPE:
                continue
            shapes[shape(target)] += 1
            queue.append(target)
    return found


@pytest.fixture(scope="module")
def batch(server, clients, tmp_path_factory):
    """A completed batch, so that push lists, 工作台 and what-ifs have rows to word."""
    return seeded_batch(server, clients["admin"], tmp_path_factory)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    WORD_SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
def test_every_reachable_page_reads_in_chinese(server, seeded, batch, clients, chromium, role):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = login(context, server.url, ROLES[role])
    landing = urlsplit(page.url)
    start = landing.path + (f"?{landing.query}" if landing.query else "")
    names = store_usernames(clients["admin"])
    found = crawl(page, server.url, start, role, names)
    # fragments htmx loads into a page (not links): a measure's what-if parameters
    extra = []
    if role != "enterprise":
        measures = clients[ROLES[role]].get("/api/v1/simulations/measures").json()
        items = measures["items"] if isinstance(measures, dict) else measures
        extra += [f"/simulations/parameters?measure={m['id']}" for m in items[:2]]
    # error pages: an unknown page, an unknown document, a malformed query
    for n, address in enumerate([*extra, "/no-such-page", "/policies/no-such-document",
                                 f"/enterprises/{USCC_A}?as_of=not-a-date", "/policies?page=x"]):
        page.goto(server.url + address)
        words = latin_words(page.locator("body").inner_text(), names)
        page.screenshot(path=WORD_SHOTS / f"{role}-error-{n}.png")
        if words:
            found[address] = sorted(set(words))[:8]
    context.close()
    assert not found, "Latin words on pages:\n" + "\n".join(f"{a}: {' '.join(w)}" for a, w in found.items())


@pytest.mark.slow
def test_a_traditional_script_document_reads_in_simplified_with_the_original_one_click_away(server, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = login(context, server.url, "staff")
    page.goto(server.url + "/policies/004")
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("关于印发《北京市关于促进“专精特新”中小企业高品质发展的若干措施》")
    crumbs = page.locator("p.crumbs")
    expect(crumbs).to_contain_text("北京市关于促进“专精特新”中小企业高品质发展的若干措施")
    assert "004_" not in crumbs.inner_text()
    original = page.locator("details.original-title")
    expect(original.locator("p")).not_to_be_visible()
    original.locator("summary").click()  # one click: the title as the source prints it
    expect(original.locator("p")).to_contain_text("關於印發")
    page.screenshot(path=WORD_SHOTS / "traditional-title.png")

    # a clause: cited by its article, its place in the text a link to it highlighted there
    page.goto(server.url + "/policies/004/clauses/closing")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("结尾部分") and "closing" not in heading, heading
    page.get_by_role("link", name="在全文中查看（高亮显示）").click()
    expect(page.locator("section#c-closing")).to_be_in_viewport()
    assert page.evaluate("location.hash") == "#c-closing"
    context.close()
