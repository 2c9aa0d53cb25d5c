"""A policy's life in a real browser (Playwright + Debian's chromium), as staff: a document
repealed by a newer one shows the link both ways with the sentence; a new version of a document
is compared clause by clause and the measures citing the changed clause are listed for re-review;
what ends within 90 days is listed by unit. Its own server: it adds documents and versions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from zhida import config
from zhida.documents.pipeline import parse_file, parse_text
from zhida.store.ingest import ingest_document
from zhida.web.app import create_app

from .browser_login import sign_in
from .conftest import prepare, serve
from .test_browser import SHOTS, browser  # noqa: F401 - the shared chromium fixture

WAIT = 30_000
KEY_000 = "000_094af80e03a20c8c"
REPEALER = """北京市人民政府办公厅关于印发《北京市先进制造业稳增长若干措施》的通知
京政办发〔2022〕30号
一、加强要素保障。
本措施自2022年9月1日起施行，《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）同时废止。
"""


@pytest.fixture(scope="module")
def life_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("life-home")
    app = create_app(f"sqlite:///{home / 'zhida.sqlite3'}", secret=b"test-secret-" * 4)
    prepare(app)
    store = app.state.store
    ingest_document(store, parse_text(REPEALER, name="900_repealer.txt"), "900_repealer")
    source = config.SOURCES_DIR / f"{KEY_000}.txt"
    original = parse_file(source).original
    assert "给予不超过30%的固定资产投资补助支持" in original
    changed = original.replace("给予不超过30%的固定资产投资补助支持", "给予不超过40%的固定资产投资补助支持")
    ingest_document(store, parse_text(changed, name=source.name), KEY_000)
    with serve(app) as running:
        yield running


def test_staff_follow_a_repeal_a_new_version_and_what_ends_soon(life_server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(life_server.url) else None)
    sign_in(page, life_server.url, "staff")

    page.goto(life_server.url + f"/policies/{KEY_000}")
    links = page.locator("#doc-links")
    expect(links).to_contain_text("被废止")
    expect(links.get_by_role("link", name="北京市先进制造业稳增长若干措施")).to_be_visible()
    expect(links).to_contain_text("2022-09-01")
    expect(links).to_contain_text("同时废止")
    expect(page.locator("#doc-links-graph canvas")).to_have_count(1)  # ECharts drew the graph
    page.screenshot(path=SHOTS / "lifecycle-01-links.png", full_page=False)

    page.get_by_role("link", name="与上一版比较").click()
    expect(page).to_have_url(re.compile(rf"/policies/{KEY_000}/diff$"))
    expect(page.locator("h1")).to_contain_text("第 1 版 → 第 2 版")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("新文本中已无此引文")
    expect(page.locator("#changes ins").filter(has_text="4")).to_have_count(1)
    expect(page.locator("#changes del").filter(has_text="3")).to_have_count(1)
    page.screenshot(path=SHOTS / "lifecycle-02-diff.png", full_page=True)

    # from the repealing document, the link the other way
    page.goto(life_server.url + "/policies/900_repealer")
    expect(page.locator("#doc-links")).to_contain_text("本文件废止")
    page.locator("#doc-links").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/policies/{KEY_000}$"))

    page.goto(life_server.url + "/policies/expiring?as_of=2022-12-01&days=90")
    expect(page.locator("h1")).to_have_text("即将到期与截止")
    expect(page.locator("section.expiring-unit").first).to_be_visible()
    expect(page.locator("section.expiring-unit h2").filter(has_text="区人力社保局")).to_have_count(1)
    expect(page.locator("table.table").first).to_contain_text("2022-12-31")
    page.screenshot(path=SHOTS / "lifecycle-03-expiring.png", full_page=False)
    assert outside == []
    context.close()


def test_the_diff_api_names_the_changed_clause_and_the_measure(life_server):
    with life_server.client() as anonymous:
        assert anonymous.get(f"/api/v1/documents/{KEY_000}/diff").status_code == 401
        assert anonymous.get(f"/api/v1/documents/{KEY_000}/links").status_code == 200
    client = life_server.login("staff")
    body = client.get(f"/api/v1/documents/{KEY_000}/diff").json()
    assert (body["old_version"], body["new_version"]) == (1, 2)
    (changed,) = [c for c in body["changes"] if c["change"] == "changed"]
    assert ["delete", "3"] in changed["segments"] and ["insert", "4"] in changed["segments"]
    assert body["reviews"] and all(r["clause_id"].startswith(changed["old_id"]) for r in body["reviews"])
    assert client.get(f"/api/v1/documents/{KEY_000}/diff?from=7").status_code == 422
    assert client.get("/api/v1/documents/nope/diff").status_code == 404
    links = client.get(f"/api/v1/documents/{KEY_000}/links").json()
    assert [(x["kind"], x["other"]) for x in links["incoming"]] == [("repeals", "900_repealer")]


DRAFT = """关于支持小微企业发展的若干措施（征求意见稿）
一、对小微企业给予房租补贴，最高10万元。
二、对新认定的专精特新企业给予奖励。
三、优化政务服务，推行网上办理。
"""
FINAL = """关于支持小微企业发展的若干措施
一、对小微企业给予房租补贴，最高20万元。
二、对新认定的专精特新企业给予奖励。
三、优化政务服务，推行网上办理。
"""


def test_a_consultation_from_opening_to_the_final_version(life_server, browser):  # noqa: F811
    import datetime as dt

    from zhida.consultation import service

    store = life_server.app.state.store
    ingest_document(store, parse_text(DRAFT, name="901_draft.txt"), "901_draft")
    today = dt.date.today()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    sign_in(page, life_server.url, "staff")  # 市经济和信息化局
    page.goto(life_server.url + "/consultations")
    page.get_by_label("征求意见稿").select_option("901_draft")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("截止日期").fill((today + dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="发起征集").click()
    expect(page.locator(".error, [role=alert]").first).to_contain_text("5个工作日以上")
    page.goto(life_server.url + "/consultations")
    page.get_by_label("征求意见稿").select_option("901_draft")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("截止日期").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="发起征集").click()
    expect(page).to_have_url(re.compile(r"/consultations/\d+$"))
    consultation = page.url.rsplit("/", 1)[1]
    expect(page.locator("#state")).to_contain_text("征集中")
    context.close()

    # an enterprise comments on 一, a visitor without an account on 三
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    sign_in(page, life_server.url, "ent_a")
    page.goto(life_server.url + f"/consultations/{consultation}")
    clause = page.locator("#c-1")
    clause.get_by_text("对本条提出意见").click()
    clause.get_by_label("意见").fill("建议把房租补贴上限提高到20万元")
    clause.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("意见已提交")
    expect(page.locator("#c-1 .consult-comment")).to_contain_text("建议把房租补贴上限提高到20万元")
    context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.goto(life_server.url + f"/consultations/{consultation}")
    clause = page.locator("#c-3")
    clause.get_by_text("对本条提出意见").click()
    clause.get_by_label("署名").fill("王先生")
    clause.get_by_label("意见").fill("希望网上办理全程不跑腿")
    clause.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("意见已提交")
    expect(page.locator(".consult-comment")).to_have_count(0)  # the public sees comments once published
    context.close()

    # the period ends (the clock injected): the unit answers each and publishes
    with store.transaction() as session:
        assert service.tick(session, service.end_of(today + dt.timedelta(days=14)))["closed"] == 1
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    sign_in(page, life_server.url, "staff")
    page.goto(life_server.url + f"/consultations/{consultation}")
    expect(page.locator("#state")).to_contain_text("待公布采纳情况")
    first = page.locator("#c-1 .consult-comment")
    first.get_by_label("采纳情况").select_option("adopted")
    first.get_by_label("答复").fill("已将上限提高至20万元")
    first.get_by_role("button", name="保存答复").click()
    third = page.locator("#c-3 .consult-comment")
    third.get_by_label("采纳情况").select_option("noted")
    third.get_by_label("答复").fill("网上办理已在第三条中明确")
    third.get_by_role("button", name="保存答复").click()
    page.get_by_label("主要观点与总体采纳情况").fill("共收到意见2条，采纳1条，说明1条。")
    page.get_by_role("button", name="公布").click()
    expect(page.locator("#state")).to_contain_text("已公布采纳情况")
    context.close()

    # the final version arrives; the public sees every answer and what became of each clause
    ingest_document(store, parse_text(FINAL, name="901_draft.txt"), "901_draft")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.goto(life_server.url + f"/consultations/{consultation}")
    expect(page.locator("#summary")).to_contain_text("采纳1条")
    one = page.locator("#c-1 .consult-comment")
    expect(one).to_contain_text("答复（采纳）：已将上限提高至20万元")
    expect(one.locator(".consult-outcome")).to_contain_text("定稿中该条：修改")
    expect(one.locator(".consult-outcome ins")).to_have_text("2")
    expect(page.locator("#c-3 .consult-outcome")).to_contain_text("未修改")
    page.screenshot(path=SHOTS / "lifecycle-04-consultation.png", full_page=True)
    context.close()
