"""REST of monitoring: /api/v1/indicators, /api/v1/alerts, /api/v1/evaluations — row scope per role
(own USCC, own district, own units), closing an alert with a note, the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from .conftest import USCC_A, USCC_B, make_uscc
from zhida.monitoring.indicators import import_file
from zhida.monitoring.tables import MonAlert, MonEvaluation

MONTH = "2031-01"
NOW = datetime(2031, 2, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(server):
    store = server.app.state.store
    csv = ("统一社会信用代码,月份,所在区,行业代码,工业总产值,用工人数\n"
           f"{USCC_A},{MONTH},朝阳区,C35,100.50,120\n{USCC_B},{MONTH},海淀区,C39,80,40\n").encode()
    with store.sessions.begin() as s:
        assert import_file(s, csv, source_name="web.csv", actor="t").ok
        ids = {}
        for unit, uscc in (("市经济和信息化局", USCC_A), ("市财政局", USCC_B)):
            alert = MonAlert(rule_id="output_mom_drop", uscc=uscc, month=MONTH, unit=unit, label="工业产值环比下降超过20%",
                             reason="测试", status="open", created_at=NOW)
            s.add(alert)
            s.flush()
            ids[unit] = alert.id
        for uscc, region, grade in ((USCC_A, "110105", "A"), (USCC_B, "110108", None)):
            s.add(MonEvaluation(uscc=uscc, year=2030, region_code=region, industry_code="C35", indicators={},
                                score=Decimal("88.5") if grade else None, grade=grade, method="m", at=NOW))
    return ids


def usccs(response):
    assert response.status_code == 200, response.text
    return {item["uscc"] for item in response.json()["items"]}


def test_indicators_are_scoped(clients, data):
    path = f"/api/v1/indicators?month={MONTH}"
    assert usccs(clients["ent_a"].get(path)) == {USCC_A}
    assert usccs(clients["staff"].get(path)) == {USCC_A}  # district staff: 朝阳区 only
    assert usccs(clients["staff_units"].get(path)) == {USCC_A, USCC_B}
    assert usccs(clients["admin"].get(path)) == {USCC_A, USCC_B}
    row = clients["ent_a"].get(path).json()["items"][0]
    assert row["output_value"] == "100.50" and row["employees"] == 120 and row["revenue"] is None


def test_evaluations_are_scoped(clients, data):
    assert usccs(clients["ent_a"].get("/api/v1/evaluations?year=2030")) == {USCC_A}
    items = clients["admin"].get("/api/v1/evaluations?year=2030").json()["items"]
    assert {i["uscc"]: i["grade_label"] for i in items} == {USCC_A: "A", USCC_B: "待补数据"}


def test_alerts_by_unit_and_closing_with_a_note(clients, data):
    path = f"/api/v1/alerts?month={MONTH}"
    assert clients["ent_a"].get(path).status_code == 403
    assert usccs(clients["staff"].get(path)) == {USCC_A}
    assert usccs(clients["staff_units"].get(path)) == {USCC_B}
    assert usccs(clients["admin"].get(path)) == {USCC_A, USCC_B}
    other = data["市财政局"]
    refused = clients["staff"].post(f"/api/v1/alerts/{other}/close", json={"note": "已核实"})
    assert refused.status_code in (404, 422), refused.text
    mine = data["市经济和信息化局"]
    blank = clients["staff"].post(f"/api/v1/alerts/{mine}/close", json={"note": "   "})
    assert blank.status_code == 422 and "办结说明" in blank.text
    done = clients["staff"].post(f"/api/v1/alerts/{mine}/close", json={"note": "已核实：设备检修"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "closed" and done.json()["note"] == "已核实：设备检修"
    assert clients["staff"].get(f"{path}&status=closed").json()["items"][0]["id"] == mine


def test_openapi_lists_monitoring(clients):
    paths = clients["admin"].get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/indicators", "/api/v1/alerts", "/api/v1/alerts/{alert_id}/close", "/api/v1/evaluations"} <= set(paths)


ANALYSIS_MONTH = "2031-02"


@pytest.fixture(scope="module")
def analysed(server):
    """Two Februaries of two enterprises and a coal price: the figures of the analysis."""
    store = server.app.state.store
    csv = ("统一社会信用代码,月份,所在区,行业代码,工业总产值,营业收入,用电量\n"
           f"{USCC_A},2030-02,朝阳区,C3511,200.00,210,30\n{USCC_A},{ANALYSIS_MONTH},朝阳区,C3511,150.00,160,20\n"
           f"{USCC_B},2030-02,海淀区,C3911,100.00,100,10\n{USCC_B},{ANALYSIS_MONTH},海淀区,C3911,130.00,120,12\n").encode()
    from zhida.monitoring import prices

    with store.sessions.begin() as s:
        assert import_file(s, csv, source_name="analysis.csv", actor="t").ok
        assert prices.import_file(s, "品种,月份,价格\n煤炭,2031-01,800\n煤炭,2031-02,900\n".encode(),
                                  source_name="p.csv", actor="t").ok


def test_figures_api_by_district(clients, analysed):
    city = clients["admin"].get(f"/api/v1/indicators/figures?month={ANALYSIS_MONTH}").json()
    assert city["total"]["value__output_value"] == "280.00" and city["total"]["yoy__output_value"] == "-6.7"
    assert {d["label"] for d in city["districts"]} == {"朝阳区", "海淀区"}
    own = clients["staff"].get(f"/api/v1/indicators/figures?month={ANALYSIS_MONTH}&region=110108").json()
    assert own["scope"] == "110105" and own["total"]["value__output_value"] == "150.00"  # district staff: their own
    assert clients["ent_a"].get("/api/v1/indicators/figures").status_code == 403


def test_monthly_analysis_edited_released_and_exported(clients, analysed):
    import io

    import pdfplumber
    from openpyxl import load_workbook

    refused = clients["staff_units"].post("/api/v1/analyses", json={"month": ANALYSIS_MONTH})
    assert refused.status_code == 403, refused.text  # 市财政局 is not the economy unit
    made = clients["staff"].post("/api/v1/analyses", json={"month": ANALYSIS_MONTH})
    assert made.status_code == 200, made.text
    doc = made.json()
    assert doc["state"] == "draft" and doc["scope"] == ""
    overview = next(p for p in doc["paragraphs"] if p["key"] == "overview")["text"]
    assert "280.00万元" in overview and "同比下降6.7%" in overview
    edited = "二月受春节错月影响，全市工业总产值同比下降，重点企业订单总体平稳。"
    done = clients["staff"].patch(f"/api/v1/analyses/{doc['id']}", json={"paragraphs": {"overview": edited}})
    assert done.status_code == 200, done.text
    assert next(p for p in done.json()["paragraphs"] if p["key"] == "overview")["text"] == edited

    book = load_workbook(io.BytesIO(clients["staff"].get(f"/api/v1/analyses/{doc['id']}/report.xlsx").content))
    assert book.sheetnames == ["分析文字", "分区", "分行业", "重点企业", "原材料价格", "近13个月"]
    text = {r[0]: r[1] for r in book["分析文字"].iter_rows(min_row=2, values_only=True)}
    assert text["一、总体运行情况"] == edited
    districts = list(book["分区"].iter_rows(values_only=True))
    assert districts[1][0] == "合计" and Decimal(str(districts[1][2])) == Decimal("280.00")
    assert {r[0]: Decimal(str(r[3])) for r in districts[2:]} == {"朝阳区": Decimal("-25.0"), "海淀区": Decimal("30.0")}
    prices = list(book["原材料价格"].iter_rows(min_row=2, values_only=True))
    assert prices[0][0] == "煤炭" and Decimal(str(prices[0][3])) == Decimal("12.5")

    pdf = clients["staff"].get(f"/api/v1/analyses/{doc['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as opened:
        page = opened.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 portrait, in points
        words = "".join((p.extract_text() or "") for p in opened.pages).replace("\n", "")
    assert edited.replace("，", "") in words.replace("，", "") or edited[:12] in words
    assert "表1 分区运行情况" in words and "朝阳区" in words

    released = clients["staff"].post(f"/api/v1/analyses/{doc['id']}/release", json={"version": doc["version"]})
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "released"
    late = clients["staff"].patch(f"/api/v1/analyses/{doc['id']}", json={"paragraphs": {"overview": "再改"}})
    assert late.status_code in (409, 422), late.text
    trail = clients["admin"].get("/api/v1/audit?entity=mon_analysis").json()
    actions = {e["action"] for e in trail.get("items", trail.get("entries", []))}
    assert {"monitoring_analysis_generate", "monitoring_analysis_edit"} <= actions


def test_monitoring_pages(clients, analysed, data):
    page = clients["staff"].get(f"/monitoring?month={ANALYSIS_MONTH}")
    assert page.status_code == 200 and 'data-kind="option"' in page.text and "朝阳区" in page.text
    assert "海淀区" not in page.text.split('id="mon-districts"')[1].split("</table>")[0]  # district staff: their own
    alerts_page = clients["staff"].get("/monitoring/alerts")
    assert "诉求" in alerts_page.text or "暂无预警" in alerts_page.text
    own = clients["ent_a"].get(f"/monitoring/enterprises/{USCC_A}")
    assert own.status_code == 200 and "150.00" in own.text
    other = clients["ent_a"].get(f"/monitoring/enterprises/{USCC_B}")
    assert other.status_code == 404


@pytest.fixture(scope="module")
def resumed(server):
    """2025's 国庆节、中秋节 (10月1日至8日; 10月11日 周六 上班): USCC_A (朝阳区) back on the 4th
    working day, USCC_B (海淀区) on the 1st; nobody reports on the 5th."""
    store = server.app.state.store
    ind = (f"统一社会信用代码,月份,所在区,行业代码,工业总产值\n{USCC_A},2025-09,朝阳区,C3511,10\n"
           f"{USCC_B},2025-09,海淀区,C3911,10\n").encode()
    rows = ["统一社会信用代码,日期,开复工"]
    for day, a in (("2025-10-09", "否"), ("2025-10-10", "否"), ("2025-10-11", "否"), ("2025-10-13", "是")):
        rows += [f"{USCC_A},{day},{a}", f"{USCC_B},{day},是"]
    with store.sessions.begin() as s:
        assert import_file(s, ind, source_name="res-i.csv", actor="t").ok
        assert import_file(s, "\n".join(rows).encode(), source_name="res.csv", actor="t").ok
    return "2025-national_day"


def test_resumption_api_by_role(clients, resumed):
    path = f"/api/v1/indicators/resumption?holiday={resumed}"
    admin = clients["admin"].get(path)
    assert admin.status_code == 200, admin.text
    body = admin.json()
    assert body["holiday"]["label"] == "2025年国庆节、中秋节" and body["third_day"] == "2025-10-11"
    assert [d["day"] for d in body["days"]] == ["2025-10-09", "2025-10-10", "2025-10-11", "2025-10-13", "2025-10-14"]
    assert [(d["total"]["reported"], d["total"]["resumed"], d["total"]["rate"]) for d in body["days"]] == [
        (2, 1, "50.00"), (2, 1, "50.00"), (2, 1, "50.00"), (2, 2, "100.00"), (0, 0, None)]
    assert [x["uscc"] for x in body["not_resumed"]] == [USCC_A]
    assert resumed in {h["key"] for h in body["holidays"]}
    staff = clients["staff"].get(path + "&region=110108").json()  # 朝阳区 staff: their own, whatever asked
    assert staff["scope"] == "110105"
    assert [(d["total"]["reported"], d["total"]["rate"]) for d in staff["days"]] == [
        (1, "0.00"), (1, "0.00"), (1, "0.00"), (1, "100.00"), (0, None)]
    assert [c["label"] for c in staff["days"][0]["districts"]] == ["朝阳区"]
    haidian = clients["staff_units"].get(path + "&region=110108").json()
    assert haidian["scope"] == "110108" and haidian["not_resumed"] == [] and haidian["days"][0]["total"]["rate"] == "100.00"
    assert clients["ent_a"].get(path).status_code == 403
    assert clients["admin"].get("/api/v1/indicators/resumption?holiday=2025-重阳节").status_code == 422
    paths = clients["admin"].get("/api/openapi.json").json()["paths"]
    assert "节假日" in paths["/api/v1/indicators/resumption"]["get"]["summary"]


def test_resumption_page_and_xlsx(clients, resumed):
    from datetime import date
    from io import BytesIO

    from openpyxl import load_workbook

    page = clients["staff"].get(f"/monitoring/resumption?holiday={resumed}")
    assert page.status_code == 200 and 'id="chart-resumption"' in page.text and "2025年国庆节、中秋节" in page.text
    table = page.text.split('id="res-districts"')[1].split("</table>")[0]
    assert "朝阳区" in table and "海淀区" not in table and "—" in table
    assert 'href="/monitoring/resumption"' in clients["staff"].get("/monitoring").text
    assert clients["ent_a"].get("/monitoring/resumption").status_code == 403
    got = clients["admin"].get(f"/monitoring/resumption.xlsx?holiday={resumed}")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxml")
    book = load_workbook(BytesIO(got.content))
    assert book.sheetnames == ["分区复工情况", "分行业复工情况", "第3个工作日未复工企业"]
    rows = [list(r) for r in book["分区复工情况"].iter_rows(values_only=True)]
    assert rows[0] == ["日期", "第几个工作日", "所在区", "应报企业数", "已报企业数", "已复工", "未复工", "复工率（%）"]
    first = [r for r in rows[1:] if r[1] == 1]
    assert [r[2:] for r in first] == [["合计", 2, 2, 1, 1, 50], ["朝阳区", 1, 1, 0, 1, 0], ["海淀区", 1, 1, 1, 0, 100]]
    assert first[0][0].date() == date(2025, 10, 9)
    fifth = [r for r in rows[1:] if r[1] == 5]
    assert fifth[0][2:] == ["合计", 2, 0, 0, 0, None]  # nobody reported: empty, not 0
    listed = [list(r) for r in book["第3个工作日未复工企业"].iter_rows(values_only=True)]
    assert listed[0][:3] == ["统一社会信用代码", "企业名称", "所在区"] and [r[0] for r in listed[1:]] == [USCC_A]
    assert listed[1][2] == "朝阳区"


PARK_MONTH = "2034-04"
USCC_C = make_uscc("91110105MA03PARK1")  # 电子城科技园, new this year (not in 同比)
USCC_D = make_uscc("91110105MA04PARK2")  # 朝阳区, no park stated


@pytest.fixture(scope="module")
def parked(server):
    """April 2034 of four enterprises in two parks of two districts (and one without a park)."""
    csv = ("统一社会信用代码,月份,所在区,所在园区,行业代码,工业总产值,用工人数\n"
           f"{USCC_A},2033-04,朝阳区,电子城科技园,C35,100.00,10\n{USCC_A},2034-03,朝阳区,电子城科技园,C35,50.00,10\n"
           f"{USCC_A},{PARK_MONTH},朝阳区,电子城科技园,C35,120.00,12\n{USCC_C},{PARK_MONTH},朝阳区, 电子城科技园 ,C35,30.50,5\n"
           f"{USCC_B},2033-04,海淀区,中关村软件园,C39,80,40\n{USCC_B},{PARK_MONTH},海淀区,中关村软件园,C39,60,40\n"
           f"{USCC_D},{PARK_MONTH},朝阳区,,C39,10,\n").encode()
    with server.app.state.store.sessions.begin() as s:
        assert import_file(s, csv, source_name="parks.csv", actor="t").ok


def test_parks_api_scoped_with_figures(clients, parked):
    path = f"/api/v1/indicators/parks?month={PARK_MONTH}"
    city = clients["staff_units"].get(path)
    assert city.status_code == 200, city.text
    rows = {(p["region_label"], p["park"]): p for p in city.json()["parks"]}
    assert set(rows) == {("朝阳区", "电子城科技园"), ("海淀区", "中关村软件园"), ("朝阳区", None)}
    dz = rows[("朝阳区", "电子城科技园")]
    assert dz["reporting"] == 2 and dz["value__output_value"] == "150.50"
    assert dz["yoy__output_value"] == "20.0"  # 同口径: A alone (120 vs 100); C has no April 2033
    assert dz["cumulative__output_value"] == "200.50" and dz["cumulative_yoy__output_value"] == "20.0"
    assert dz["value__employees"] == "17" and dz["value__revenue"] is None and dz["yoy__revenue"] is None
    assert rows[("海淀区", "中关村软件园")]["yoy__output_value"] == "-25.0"
    assert rows[("朝阳区", None)]["label"] == "未填园区" and rows[("朝阳区", None)]["value__employees"] is None
    own = clients["staff"].get(path + "&region=110108").json()  # district staff: 朝阳区 whatever is asked
    assert own["scope"] == "110105" and {p["park"] for p in own["parks"]} == {"电子城科技园", None}
    listed = clients["staff"].get(path + "&park=电子城科技园").json()
    assert {e["key"]: e["value__output_value"] for e in listed["enterprises"]} == {USCC_A: "120.00", USCC_C: "30.50"}
    assert clients["staff"].get(path + "&park=中关村软件园").json()["enterprises"] == []  # 海淀区's park: hidden
    assert clients["ent_a"].get(path).status_code == 403
    assert clients["ent_a"].get(f"/monitoring/parks?month={PARK_MONTH}").status_code == 403
    assert clients["ent_a"].get(f"/monitoring/parks.xlsx?month={PARK_MONTH}").status_code == 403
    spec = clients["admin"].get("/api/openapi.json").json()["paths"]["/api/v1/indicators/parks"]["get"]
    assert "园区" in spec["summary"]


def test_parks_page_and_xlsx(clients, parked):
    import io

    from openpyxl import load_workbook

    page = clients["staff"].get(f"/monitoring/parks?month={PARK_MONTH}")
    assert page.status_code == 200 and 'id="chart-parks"' in page.text and "/static/vendor/echarts.min.js" in page.text
    table = page.text.split('id="mon-parks"')[1].split("</table>")[0]
    assert "电子城科技园" in table and "150.50" in table and "中关村软件园" not in table
    assert 'href="/monitoring/parks"' in clients["staff"].get(f"/monitoring?month={PARK_MONTH}").text
    book = load_workbook(io.BytesIO(clients["staff_units"].get(f"/monitoring/parks.xlsx?month={PARK_MONTH}").content))
    sheet = list(book["分园区"].iter_rows(values_only=True))
    assert sheet[0][:5] == ("园区", "所在区", "报送企业数", "工业总产值（万元）当月", "工业总产值（万元）同比（%）")
    got = {(r[0], r[1]): r for r in sheet[1:]}
    assert set(got) == {("电子城科技园", "朝阳区"), ("中关村软件园", "海淀区"), ("未填园区", "朝阳区")}
    assert got[("电子城科技园", "朝阳区")][2] == 2 and Decimal(str(got[("电子城科技园", "朝阳区")][3])) == Decimal("150.50")
    assert Decimal(str(got[("中关村软件园", "海淀区")][4])) == Decimal("-25.0")
    assert got[("未填园区", "朝阳区")][6] is None  # no 累计同比 base: empty, not 0
    own = load_workbook(io.BytesIO(clients["staff"].get(
        f"/monitoring/parks.xlsx?month={PARK_MONTH}&park=电子城科技园").content))
    assert [r[0] for r in own["分园区"].iter_rows(min_row=2, values_only=True)] == ["电子城科技园", "未填园区"]
    assert {r[0] for r in own["园区企业"].iter_rows(min_row=2, values_only=True)} == {USCC_A, USCC_C}
