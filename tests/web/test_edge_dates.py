"""Finding #9 (issue 10): an evaluation date outside 1949-10-01..2100-12-31 on any ``as_of``
parameter is a 422 with one Chinese line, never a 500; the near-miss search survives the date limits."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import USCC_A

EDGES = ["9999-12-31", "0001-01-01", "1949-09-30", "2101-01-01"]
PATHS = [f"/api/v1/enterprises/{USCC_A}/checkup", f"/api/v1/enterprises/{USCC_A}/checkup.xlsx",
         f"/api/v1/enterprises/{USCC_A}/checkup.pdf"]


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("path", PATHS, ids=["checkup", "xlsx", "pdf"])
def test_out_of_range_as_of_is_a_chinese_422(seeded, clients, path, day):
    response = clients["ent_a"].get(path, params={"as_of": day})
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["field"] == "as_of"
    assert "评估日" in error["message"] and "1949-10-01" in error["message"] and "2100-12-31" in error["message"]
    # The connection stays usable (no reset after the error).
    assert clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}").status_code == 200


def test_batch_start_with_out_of_range_as_of_is_422(seeded, clients):
    response = clients["staff"].post("/api/v1/jobs/batch", json={"as_of": "9999-12-31"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "as_of" and "评估日" in response.json()["error"]["message"]


@pytest.mark.parametrize("day", ["1949-10-01", "2100-12-31"])
def test_the_limits_themselves_are_answered(seeded, clients, day):
    response = clients["ent_a"].get(PATHS[0], params={"as_of": day})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["as_of"] == day


@pytest.mark.parametrize("day", [dt.date.min, dt.date.max, dt.date(9999, 12, 30), dt.date(1, 1, 2)])
def test_near_miss_search_survives_the_date_limits(server, seeded, day):
    from zhida.matching import checkup
    from zhida.web import enterprise_data

    enterprise = enterprise_data.get(server.app.state.store, USCC_A)
    result = checkup.run(enterprise, day)  # no OverflowError from a date ± 1 day at the limits
    assert result.as_of == day and result.report["results"]


@pytest.mark.parametrize("path", ["/policies/expiring", "/api/v1/expiring"])
def test_expiring_from_the_calendar_end_lists_nothing_rather_than_failing(seeded, clients, path):
    # found by the examiner's walk: ?as_of=9999-12-31 (+90 days) was an OverflowError → 500
    response = clients["staff"].get(path, params={"as_of": "9999-12-31", "days": 90})
    assert response.status_code == 200, response.text[:300]
    if path.startswith("/api"):
        assert response.json() == {}
    else:
        assert "自 9999-12-31 起 90 天内：共 0 项" in response.text
    assert clients["staff"].get(path, params={"as_of": "2022-12-01", "days": 90}).status_code == 200


def test_opening_a_consultation_until_9999_is_a_chinese_422(server, clients):
    # found by the examiner's walk: closes_on=9999-12-31 on the 政策征集 form was a 500
    client = clients["staff"]
    response = client.post("/consultations", data={
        "document": "000", "unit": "市经济和信息化局", "opens_on": "2026-12-07", "closes_on": "9999-12-31",
        "csrf_token": client.headers["X-CSRF-Token"]})
    assert response.status_code == 422, response.text[:300]
    assert "日期 9999-12-31 超出支持范围" in response.text
    assert "9999-12-31" not in client.get("/consultations").text  # nothing was opened
    fine = client.post("/consultations", data={
        "document": "000", "unit": "市经济和信息化局", "opens_on": "2026-12-07", "closes_on": "2026-12-31",
        "csrf_token": client.headers["X-CSRF-Token"]}, follow_redirects=False)
    assert fine.status_code == 303  # the same form with a real closing date opens it
