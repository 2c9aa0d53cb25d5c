"""The project library, 融资对接 and the 产业地图 at a browser (Playwright + Debian chromium).

1. A project's 首谈 life: 朝阳区 registers a 15亿 project and its 首谈 lead; the city recognises
   朝阳区 as 首谈区; 3 calendar months pass with no signing (the clock is injected), the project is
   flagged; the city reassigns it to 海淀区 with a reason; the history shows both districts.
2. A financing need answered by a lender: the enterprise posts a need shared with 北京银行 (profile
   included); the bank sees its product matched with the reasons, 接洽, then 授信 with an amount;
   the enterprise reads the answer.
3. The industrial map of 朝阳区: its boundary drawn (an ECharts map from the installed boundary
   package) with its parcels on it and listed, and a parcel's candidate projects.
Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .browser_login import sign_in
from .conftest import USCC_A
from .project_accounts import make_project_staff
from .test_browser import SHOTS, browser  # noqa: F401 - the browser fixture


def _page(browser, server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    return sign_in(context.new_page(), server.url, username)


def test_a_projects_shoutan_life(server, browser):
    from zhida.projects import shoutan

    make_project_staff(server)
    cy = _page(browser, server, "cy_invest")
    cy.goto(server.url + "/projects")
    cy.locator("#new-project summary").click()
    form = cy.locator("#new-project form")
    form.get_by_label("项目名称").fill("首谈测试：集成电路装备制造基地")
    form.get_by_label("业主统一社会信用代码").fill(USCC_A)
    form.get_by_label("总投资（元）").fill("1500000000")
    form.get_by_role("button", name="登记").click()
    expect(cy).to_have_url(re.compile(r"/projects/\d+$"))
    path = cy.url.removeprefix(server.url)
    expect(cy.locator("#shoutan")).to_contain_text("总投资1亿元以上(含)或具有全局性、战略性：满足")
    cy.locator("form[data-step=register] button").click()
    expect(cy.locator("#shoutan-state")).to_have_text("线索已登记")
    expect(cy.locator("form[data-step=recognise]")).to_have_count(0)  # only the city recognises

    city = _page(browser, server, "staff")  # 市经济和信息化局
    city.goto(server.url + path)
    recognise = city.locator("form[data-step=recognise]")
    expect(recognise.get_by_label("首谈区")).to_have_value("110105")
    recognise.get_by_role("button").click()
    expect(city.locator("#shoutan-state")).to_have_text("首谈区洽谈中")
    expect(city.locator("#project-state")).to_contain_text("洽谈期限")
    city.screenshot(path=SHOTS / "80-project-shoutan-recognised.png", full_page=True)

    # the clock, 3 calendar months and a day later: no signing, the project is flagged
    with server.app.state.store.transaction() as session:
        flagged = shoutan.check(session, datetime.now(UTC) + timedelta(days=93))
    assert "首谈测试：集成电路装备制造基地" in [p.name for p in flagged]
    city.reload()
    expect(city.locator("#shoutan-flag")).to_contain_text("超过3个月无实质性进展")
    reassign = city.locator("form[data-step=reassign]")
    reassign.get_by_label("另行选择落地区").select_option(label="海淀区")
    reassign.get_by_label("理由").fill("朝阳区洽谈超过3个月无实质性进展，海淀区具备承载条件")
    reassign.get_by_role("button").click()
    expect(city.locator("#project-region")).to_have_text("海淀区")
    history = city.locator("#shoutan-history")
    expect(history).to_contain_text("另行择优选择落地区")
    expect(history).to_contain_text(re.compile(r"朝阳区\S* → 海淀区"))
    expect(history).to_contain_text("具备承载条件")
    city.screenshot(path=SHOTS / "81-project-shoutan-reassigned.png", full_page=True)

    hd = _page(browser, server, "hd_invest")
    hd.goto(server.url + path)
    expect(hd.locator("#stage-actions form[data-step=negotiate]")).to_have_count(1)  # now Haidian's to negotiate


def test_a_financing_need_answered_by_a_lender(server, browser, seeded):
    make_project_staff(server)
    bank_api = server.login("bank_bj")
    made = bank_api.post("/api/v1/finance/products", json={
        "code": "BROWSER-BOB", "name": "京信贷·专精特新", "lender": "北京银行", "kind": "srdi",
        "amount_min": "1000000", "amount_max": "30000000", "term_max": 36,
        "conditions": [{"id": "beijing", "label": "注册在北京", "expr": "LEFT(region_code, 2) = '11'"}]})
    assert made.status_code == 200, made.text
    bank_api.close()

    ent = _page(browser, server, "ent_a")
    ent.goto(server.url + "/finance")
    form = ent.locator("#new-need form")
    form.get_by_label("融资金额（元）").fill("5000000")
    form.get_by_label("期限（月）").fill("24")
    form.get_by_label("用途").fill("购置生产线设备")
    form.get_by_label("北京银行").check()
    form.get_by_label("同意向所选机构共享企业画像").check()
    form.get_by_role("button", name="发布").click()
    expect(ent).to_have_url(re.compile(r"/finance/needs/\d+$"))
    path = ent.url.removeprefix(server.url)
    match = ent.locator(".match", has_text="京信贷·专精特新")
    expect(match.locator(".status")).to_have_text("符合")
    expect(match).to_contain_text("融资金额在产品额度内：满足")

    bank = _page(browser, server, "bank_bj")
    bank.goto(server.url + "/finance")
    expect(bank.locator("#needs")).to_contain_text("购置生产线设备")
    bank.goto(server.url + path)
    match = bank.locator(".match", has_text="京信贷·专精特新")
    expect(match).to_contain_text("注册在北京：满足")
    match.locator("form[data-step=contact] button").click()
    match = bank.locator(".match", has_text="京信贷·专精特新")
    expect(match.locator(".response")).to_contain_text("接洽")
    credit = match.locator("form[data-step=credit]")
    credit.get_by_label("金额（元）").fill("5000000")
    credit.get_by_role("button").click()
    expect(bank.locator(".match", has_text="京信贷·专精特新").locator(".response")).to_contain_text("授信")
    bank.screenshot(path=SHOTS / "82-finance-lender-credit.png", full_page=True)

    ent.reload()
    expect(ent.locator(".match", has_text="京信贷·专精特新").locator(".response")).to_contain_text("授信，金额 5000000.00 元")
    ent.screenshot(path=SHOTS / "83-finance-enterprise-answer.png", full_page=True)


def test_the_industrial_map_of_one_district_with_its_parcels(server, browser):
    make_project_staff(server)
    cy_api = server.login("cy_invest")
    cy_api.put("/api/v1/projects/map/110105", json={"industries": [{"code": "I65", "label": "软件和信息服务"},
                                                                   {"code": "C39", "label": "电子信息制造"}]})
    for code, name, lon, lat, area, status in (("MAP-CY-1", "电子城北扩区一号地", "116.505", "39.995", "120", "available"),
                                                ("MAP-CY-2", "望京科技园厂房", "116.480", "40.002", "15", "reserved"),
                                                ("MAP-CY-3", "金盏工业地块", "116.58", "39.97", "60", "available")):
        response = cy_api.post("/api/v1/projects/parcels", json={
            "code": code, "name": name, "region_code": "110105", "lon": lon, "lat": lat, "area_mu": area, "status": status,
            "industries": ["C39"], "standards": [{"id": "intensity", "label": "投资强度不低于800万元/亩",
                                                  "expr": "project_investment_intensity >= 800"}]})
        assert response.status_code == 200, response.text
    project = cy_api.post("/api/v1/projects", json={"name": "地图测试：显示面板项目", "owner_uscc": USCC_A,
                                                   "region_code": "110105", "industry_code": "C3974",
                                                   "total_investment": "1200000000", "land_mu": "50"}).json()
    cy_api.close()

    page = _page(browser, server, "cy_invest")
    page.goto(server.url + "/projects/map")
    page.get_by_role("link", name="朝阳区").click()
    expect(page).to_have_url(server.url + "/projects/map/110105")
    expect(page.locator("h1")).to_have_text("产业地图 · 朝阳区")
    expect(page.locator("body")).to_contain_text("软件和信息服务")
    expect(page.locator("#parcels tbody tr")).to_have_count(3)
    expect(page.locator("#map-chart canvas")).to_have_count(1)
    # the district's boundary is drawn: registered as an ECharts map, a geo component on it, the
    # parcels on that geo coordinate system, and a parcel of 朝阳 falls inside the drawn district
    drawn = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById("map-chart"));
        const option = chart.getOption();
        const name = option.geo[0].map;
        const region = echarts.getMap(name);
        const geo = chart.getModel().getComponent("geo", 0).coordinateSystem;
        return {map: name, features: region ? region.geoJSON.features.map(f => f.properties.name) : null,
                types: option.series.map(s => s.type).sort(),
                onGeo: option.series.filter(s => s.type === "scatter").every(s => s.coordinateSystem === "geo"),
                // the drawn polygon (not its bounding box): 电子城北扩区 in it, 中关村 (海淀) not
                at: [[116.505, 39.995], [116.31, 39.99]].map(c => {
                    const found = geo.getRegionByCoord(c);
                    return found ? found.name : null; })};
    }""")
    assert drawn == {"map": "110105", "features": ["朝阳区"], "types": ["map", "scatter", "scatter"], "onGeo": True,
                     "at": ["朝阳区", None]}, drawn
    expect(page.locator("#outside-parcels")).to_have_count(0)  # every parcel's point lies in 朝阳区
    page.screenshot(path=SHOTS / "84-industrial-map-chaoyang.png", full_page=True)
    page.get_by_role("link", name="电子城北扩区一号地").click()
    candidates = page.locator("#candidates")
    expect(candidates).to_contain_text("地图测试：显示面板项目")
    expect(candidates).to_contain_text("投资强度不低于800万元/亩")
    page.goto(server.url + f"/projects/{project['id']}")
    matched = page.locator("#matched-parcels")
    expect(matched).to_contain_text("电子城北扩区一号地")  # 120000万 / 120亩 = 1000 ≥ 800, area ≥ 50
    expect(matched).not_to_contain_text("望京科技园厂房")  # reserved
    expect(matched).to_contain_text("金盏工业地块")  # 60亩: 2000万元/亩 ≥ 800, 60 ≥ 50亩
