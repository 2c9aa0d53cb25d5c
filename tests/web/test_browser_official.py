"""The official's journey at a browser (Playwright + Debian chromium): a 朝阳区 staff member logs in
and lands on the 工作台; the one-minute test — knowing only "研发费用", they search, reach the
related measure, click 查看符合条件的企业 and see which enterprises of their district qualify and
the total amount, in a bounded number of steps. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from zhida import money_format
from zhida.web.auth import Actor, create_user

from .browser_login import sign_in
from .conftest import PASSWORD
from .enterprise_seed import seed
from .imports import finished_batch
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture

RD_MEASURE = "cy2022.sme-rd-reward"  # 朝阳区: 研发费用总额的20%予以奖励 (002, clause 3.2.23)
STAFF = "cy_keji"  # a 朝阳区 区科技和信息化局 staff member
MAX_STEPS = 8  # actions a person takes: typing, clicking


@pytest.fixture(scope="module")
def official(server, clients, tmp_path_factory):
    seed(server.app)
    if server.app.state.jobs.out_dir is None:
        server.app.state.jobs.out_dir = tmp_path_factory.mktemp("batches")
    if server.app.state.jobs.latest is None:
        finished_batch(clients["admin"])
    try:
        create_user(server.app.state.store, Actor("cli:test"), username=STAFF, password=PASSWORD,
                    display_name="朝阳区科信局专员", role="staff", units=["区科技和信息化局"], region="朝阳区")
    except Exception:  # noqa: BLE001 - made by an earlier module of this session
        pass
    return server.login(STAFF)


def test_one_minute_from_a_word_to_the_qualifying_enterprises(server, official, browser):
    expected = official.get("/api/v1/push", params={"measure": RD_MEASURE, "limit": 10000}).json()
    entry = next(m for g in expected["groups"] for m in g["measures"] if m["measure_id"] == RD_MEASURE)
    assert entry["count"] > 0 and all(e["region"] == "朝阳区" for e in entry["enterprises"])

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server.url) else None)
    steps = []

    def step(what: str, action) -> None:
        steps.append(what)
        action()

    page.goto(server.url + "/login")  # the sign-in page, as bookmarked; without ?next= it lands on one's home
    step("用户名", lambda: page.get_by_label("用户名").fill(STAFF))
    step("密码", lambda: page.get_by_label("密码").fill(PASSWORD))
    step("登录", lambda: page.get_by_role("button", name="登录").click())
    expect(page).to_have_url(server.url + "/dashboard")  # the official's landing page
    expect(page.locator("#dashboard-scope")).to_contain_text("朝阳区")
    page.screenshot(path=SHOTS / "30-official-dashboard.png", full_page=False)

    step("政策库", lambda: page.get_by_role("link", name="政策库").first.click())
    step("检索词", lambda: page.get_by_role("searchbox", name="检索词").fill("研发费用"))
    step("检索", lambda: page.get_by_role("button", name="检索").click())
    hit = page.locator(".hit").filter(has_text="区科技和信息化局").first
    expect(hit).to_be_visible()
    page.screenshot(path=SHOTS / "31-official-search.png", full_page=False)
    step("条款", lambda: hit.locator("a.hit-title").click())
    link = page.locator(f".find-enterprises a[data-measure='{RD_MEASURE}']")
    expect(link).to_have_text("查看符合条件的企业")
    page.screenshot(path=SHOTS / "32-official-clause.png", full_page=False)
    step("查看符合条件的企业", lambda: link.click())

    expect(page).to_have_url(f"{server.url}/push?measure={RD_MEASURE}")
    body = page.locator("main")
    for e in entry["enterprises"][:5]:
        expect(body).to_contain_text(e["name"])
    expect(body).to_contain_text(f"{entry['count']} 家")
    total = Decimal(entry["total"])
    shown = body.inner_text()
    assert any(text in shown for text in (money_format.money(total), money_format.yuan(total), entry["total"])), shown
    for other in ("海淀区", "丰台区"):  # only the staff member's district
        assert other not in page.locator("table").first.inner_text()
    page.screenshot(path=SHOTS / "33-official-enterprises.png", full_page=False)
    assert len(steps) <= MAX_STEPS, steps
    assert external == []
    context.close()


def test_clause_link_is_for_officials_only(server, clients, official, anonymous):
    for path in ("/policies/002_2f4420f430754317/clauses/3.2.23", "/policies/002_2f4420f430754317",
                 "/policies/002_2f4420f430754317/interpretation"):
        assert f'href="/push?measure={RD_MEASURE}"' in official.get(path).text, path
        assert "查看符合条件的企业" not in clients["ent_a"].get(path).text, path
        assert "查看符合条件的企业" not in anonymous.get(path).text, path


def test_dashboard_on_a_phone_sorts_and_draws_its_chart(server, official, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server.url, STAFF, lands_on="/dashboard")
    expect(page.locator("#dashboard-chart")).to_have_attribute("data-drawn", "1")  # ECharts, served locally
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # tables scroll in their own box
    page.locator("#dashboard-measures a[data-sort='undetermined']").click()
    expect(page).to_have_url(re.compile(r"/dashboard\?.*sort=undetermined&order=desc"))
    counts = [int(t.split()[0].replace(",", "")) for t in
              page.locator("#dashboard-measures tbody tr[data-measure] td:nth-child(3)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    page.screenshot(path=SHOTS / "34-official-dashboard-phone.png", full_page=True)
    assert errors == []
    context.close()


def test_admin_filters_by_unit_and_drills_from_the_city_to_a_district(server, official, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server.url, "admin", lands_on="/dashboard")
    expect(page.locator("#dashboard-scope")).to_contain_text("全市")
    expect(page.locator("#dashboard-chart")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#dashboard-chart")).to_have_attribute("aria-label", re.compile("按区县"))
    page.screenshot(path=SHOTS / "35-admin-dashboard.png", full_page=False)

    page.get_by_label("责任单位").select_option("区科技和信息化局")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#dashboard-scope")).to_contain_text("区科技和信息化局")
    units = page.locator("#dashboard-measures tbody tr[data-measure] td:first-child .muted").all_inner_texts()
    assert units and all("区科技和信息化局" in u for u in units)

    page.locator("#dashboard-slices tr[data-slice='110105'] a").click()  # 朝阳区 → its 街道
    expect(page.locator("#dashboard-scope")).to_contain_text("朝阳区")
    expect(page.locator("#dashboard-chart")).to_have_attribute("aria-label", re.compile("街道"))
    page.screenshot(path=SHOTS / "36-admin-district-streets.png", full_page=False)
    context.close()
