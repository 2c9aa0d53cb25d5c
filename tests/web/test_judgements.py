"""A responsible unit's judgement of an open criterion (issue 9 §2): staff only, audited, changes results."""

from __future__ import annotations

import pytest

from .conftest import USCC_A


def _with_open(checkup: dict) -> tuple[str, str]:
    for r in checkup["results"]:
        if r["status"] == "eligible" and r.get("open_criteria"):
            return r["measure_id"], r["open_criteria"][0]["id"]
    raise AssertionError("no eligible result with an open criterion")


def _result(checkup: dict, mid: str) -> dict:
    return next(r for r in checkup["results"] if r["measure_id"] == mid)


def test_staff_judgement_changes_the_result_and_is_audited(seeded, clients):
    staff = clients["staff"]  # 朝阳区, as USCC_A
    before = staff.get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    mid, criterion = _with_open(before)
    put = staff.put(f"/api/v1/enterprises/{USCC_A}/judgements/open.{criterion}",
                    json={"met": False, "by": "朝阳区科信局", "note": "研发投入未达标准"})
    assert put.status_code == 200, put.text
    assert put.json()["criterion"] == criterion and put.json()["met"] is False
    after = staff.get(f"/api/v1/enterprises/{USCC_A}/checkup").json()
    changed = _result(after, mid)
    assert criterion not in [o["id"] for o in changed.get("open_criteria") or []]
    assert changed["status"] != "eligible"  # judged not met
    profile = clients["admin"].get(f"/api/v1/enterprises/{USCC_A}").json()["profile"]
    assert profile["judgements"][criterion]["by"] == "朝阳区科信局"
    entries = clients["admin"].get("/api/v1/audit", params={"entity": "enterprise", "entity_id": USCC_A}).json()
    assert any(e["action"] == "judge_open_criterion" for e in entries["items"])
    # met again: the result is eligible once more, without the criterion listed as open
    staff.put(f"/api/v1/enterprises/{USCC_A}/judgements/{criterion}", json={"met": True})
    again = _result(staff.get(f"/api/v1/enterprises/{USCC_A}/checkup").json(), mid)
    assert again["status"] == "eligible" and criterion not in [o["id"] for o in again.get("open_criteria") or []]


def test_enterprise_users_cannot_judge_and_unknown_criteria_are_refused(seeded, clients):
    denied = clients["ent_a"].put(f"/api/v1/enterprises/{USCC_A}/judgements/rd_standard", json={"met": True})
    assert denied.status_code == 403
    unknown = clients["admin"].put(f"/api/v1/enterprises/{USCC_A}/judgements/no_such_criterion", json={"met": True})
    assert unknown.status_code == 422 and "没有这项未量化标准" in unknown.json()["error"]["message"]


def test_a_judgement_date_off_the_calendar_is_refused_and_nothing_changes(seeded, clients):
    staff = clients["staff"]
    mid, criterion = _with_open(staff.get(f"/api/v1/enterprises/{USCC_A}/checkup").json())
    before = clients["admin"].get(f"/api/v1/enterprises/{USCC_A}").json()["profile"].get("judgements") or {}
    far = staff.put(f"/api/v1/enterprises/{USCC_A}/judgements/{criterion}", json={"met": False, "on": "9999-12-31"})
    assert far.status_code == 422, far.text
    assert far.json()["error"]["message"] == "认定日期 9999-12-31 超出支持范围（1949-10-01 至 2100-12-31）"
    after = clients["admin"].get(f"/api/v1/enterprises/{USCC_A}").json()["profile"].get("judgements") or {}
    assert after == before
