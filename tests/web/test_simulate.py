"""模拟测算: parameters of a measure, a what-if that changes a threshold, baseline vs reform by
district and industry, with gainers and losers; bad input refused with its reason."""

from __future__ import annotations

import pytest

from .enterprise_seed import seed

MEASURE = "bj2022.sme-equipment-deduction"  # unit value > 5,000,000 (a threshold), amount = unit value × rate


@pytest.fixture(scope="module")
def params(server, clients):
    seed(server.app)
    response = clients["admin"].get("/api/v1/simulations/parameters", params={"measure": MEASURE})
    assert response.status_code == 200, response.text
    return {p["id"]: p for p in response.json()}


def test_parameters_are_the_measures_numbers(params):
    threshold = next(p for p in params.values() if p["id"].startswith("conditions.unit_value_over_5m."))
    assert threshold["value"] == "5000000"
    assert any(p["id"].startswith("amount.expr") for p in params.values())


def test_lowering_a_threshold_gains_enterprises_and_never_loses_any(params, clients):
    threshold = next(p["id"] for p in params.values() if p["id"].startswith("conditions.unit_value_over_5m."))
    response = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": threshold,
                                                                   "value": "100000"})
    assert response.status_code == 200, response.text
    result = response.json()
    totals = result["totals"]
    assert totals["reform_count"] >= totals["baseline_count"]
    assert result["gainers"]["count"] == totals["reform_count"] - totals["baseline_count"]
    assert result["losers"]["count"] == 0
    assert sum(c["reform_count"] for c in result["by_district"]) == totals["reform_count"]
    assert sum(c["baseline_count"] for c in result["by_industry"]) == totals["baseline_count"]
    if result["gainers"]["items"]:
        g = result["gainers"]["items"][0]
        assert g["baseline"] != "eligible" and g["reform"] == "eligible"


def test_raising_the_threshold_loses_the_baseline_gainers(params, clients):
    threshold = next(p["id"] for p in params.values() if p["id"].startswith("conditions.unit_value_over_5m."))
    low = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": threshold,
                                                              "value": "100000"}).json()
    high = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": threshold,
                                                               "value": "999999999999"}).json()
    assert high["totals"]["reform_count"] == 0
    assert high["losers"]["count"] == high["totals"]["baseline_count"]
    assert low["totals"]["baseline_count"] == high["totals"]["baseline_count"]


def test_bad_what_if_input_is_refused(params, clients):
    first = next(iter(params))
    bad_value = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": first,
                                                                    "value": "一百万"})
    assert bad_value.status_code == 422 and "不是数字" in bad_value.json()["error"]["message"]
    bad_param = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": "amount.expr.99",
                                                                    "value": "1"})
    assert bad_param.status_code == 422
    assert clients["admin"].post("/api/v1/simulations", json={"measure": "nope", "parameter": first,
                                                               "value": "1"}).status_code == 404
    assert clients["ent_a"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": first,
                                                               "value": "1"}).status_code == 403


def test_simulation_page_renders_chart_data(params, clients):
    client = clients["admin"]
    threshold = next(p["id"] for p in params.values() if p["id"].startswith("conditions.unit_value_over_5m."))
    page = client.get("/simulations", params={"measure": MEASURE})
    assert page.status_code == 200 and "/static/vendor/echarts.min.js" in page.text
    result = client.post("/simulations/run", data={"measure": MEASURE, "parameter": threshold, "value": "100000",
                                                   "csrf_token": client.headers["X-CSRF-Token"]},
                         headers={"HX-Request": "true"})
    assert result.status_code == 200 and 'id="chart-district"' in result.text and "data-chart=" in result.text


def test_staff_simulate_their_units_measures_over_their_district(params, clients):
    measures = clients["staff"].get("/api/v1/simulations/measures").json()
    assert measures and all(m["id"] != "nope" for m in measures)
    own = measures[0]["id"]
    first = clients["staff"].get("/api/v1/simulations/parameters", params={"measure": own}).json()[0]
    staff = clients["staff"].post("/api/v1/simulations", json={"measure": own, "parameter": first["id"],
                                                               "value": first["value"]}).json()
    admin = clients["admin"].post("/api/v1/simulations", json={"measure": own, "parameter": first["id"],
                                                               "value": first["value"]}).json()
    assert {c["key"] for c in staff["by_district"]} <= {"朝阳区"}
    assert 0 < staff["enterprises"] < admin["enterprises"]
    chaoyang = next((c for c in admin["by_district"] if c["key"] == "朝阳区"), None)
    assert staff["totals"]["baseline_count"] == (chaoyang["baseline_count"] if chaoyang else 0)
    assert staff["gainers"]["count"] == staff["losers"]["count"] == 0  # the value as encoded: nothing moves
