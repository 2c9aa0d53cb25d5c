"""REST of monitoring: /api/v1/indicators, /api/v1/alerts, /api/v1/evaluations — row scope per role
(own USCC, own district, own units), closing an alert with a note, the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from .conftest import USCC_A, USCC_B
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
