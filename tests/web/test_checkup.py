"""政策体检 by API and page: results grouped with amounts, near-misses and missing facts, each
linked to its clause; supplying a fact (CSRF, audit, re-check); the USCC scope of each role."""

from __future__ import annotations

import re

import pytest

from .conftest import USCC_A, USCC_B

TRANSPORT_PASS = "bj2022mfg.key-material-transport-pass"  # waits only for epidemic_control_commitment


def results_by_id(report):
    return {r["measure_id"]: r for r in report["results"]}


def test_checkup_reports_eligible_amounts_missing_facts_and_sources(seeded, clients):
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["as_of"] == "2022-12-31" and report["enterprise"]["uscc"] == USCC_A
    counts = report["summary"]["counts"]
    assert counts["eligible"] >= 1 and counts["undetermined"] >= 1
    eligible = [r for r in report["results"] if r["status"] == "eligible" and r["amount"]["value"] is not None]
    assert eligible, "the 600万 machine bought in 2022 earns an amount"
    assert all(re.fullmatch(r"-?\d+\.\d{2}", r["amount"]["value"]) for r in eligible)  # exact money, as text
    undetermined = results_by_id(report)[TRANSPORT_PASS]
    assert undetermined["status"] == "undetermined"
    assert [m["fact"] for m in undetermined["missing"]] == ["epidemic_control_commitment"]
    assert undetermined["sources"][0]["clause"] == "1.1" and undetermined["sources"][0]["quote"]


def test_enterprise_user_sees_only_its_own_uscc(seeded, clients):
    own = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}")
    assert own.status_code == 200 and own.json()["enterprise"]["name"] == "北京朝阳博远精密机械有限公司"
    for path in (f"/api/v1/enterprises/{USCC_B}", f"/api/v1/enterprises/{USCC_B}/checkup",
                 f"/api/v1/enterprises/{USCC_B}/checkup.xlsx", f"/api/v1/enterprises/{USCC_B}/checkup.pdf",
                 f"/enterprises/{USCC_B}", f"/enterprises/{USCC_B}/checkup.xlsx"):
        denied = clients["ent_a"].get(path)
        assert denied.status_code == 403, path
        assert "北京海淀星辰" not in denied.text
    listed = clients["ent_a"].get("/api/v1/enterprises").json()
    assert [e["uscc"] for e in listed["items"]] == [USCC_A]  # lists are scoped too
    patch = clients["ent_a"].patch(f"/api/v1/enterprises/{USCC_B}/facts", json={"fact": "ownership", "value": "state"})
    assert patch.status_code == 403


def test_staff_reach_only_their_region(seeded, clients):
    assert clients["staff"].get(f"/api/v1/enterprises/{USCC_A}/checkup").status_code == 200  # 朝阳区
    assert clients["staff"].get(f"/api/v1/enterprises/{USCC_B}/checkup").status_code == 403  # 海淀区
    regions = {e["region"] for e in clients["staff"].get("/api/v1/enterprises?per_page=100").json()["items"]}
    assert regions == {"朝阳区"}
    assert clients["admin"].get(f"/api/v1/enterprises/{USCC_B}/checkup").status_code == 200


def test_supplying_a_fact_rechecks_at_once_and_is_audited(seeded, clients, server):
    client = clients["admin"]
    uscc = USCC_B  # admin edits B so that the enterprise user's own A stays as seeded for other tests
    before = results_by_id(client.get(f"/api/v1/enterprises/{uscc}/checkup").json())
    target = next(r for r in before.values() if r["status"] == "undetermined" and len(r["missing"]) == 1
                  and r["missing"][0]["fact"] == "epidemic_control_commitment")
    no_csrf = server.client()
    no_csrf.cookies.update(client.cookies)
    refused = no_csrf.patch(f"/api/v1/enterprises/{uscc}/facts", json={"fact": "epidemic_control_commitment",
                                                                       "value": "是"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    response = client.patch(f"/api/v1/enterprises/{uscc}/facts", json={"fact": "epidemic_control_commitment",
                                                                       "value": "是"})
    assert response.status_code == 200, response.text
    after = results_by_id(client.get(f"/api/v1/enterprises/{uscc}/checkup").json())
    assert after[target["measure_id"]]["status"] == "eligible"
    assert response.json()["summary"]["counts"]["eligible"] > sum(r["status"] == "eligible" for r in before.values())
    entries = client.get("/api/v1/audit", params={"entity": "enterprise", "entity_id": uscc}).json()["items"]
    latest = entries[0]
    assert latest["actor"] == "admin" and latest["action"] == "supply_fact"
    assert "epidemic_control_commitment" not in (latest["before"].get("other_facts") or {})
    assert latest["after"]["other_facts"]["epidemic_control_commitment"] is True
    assert "：是（评估日" in latest["detail"] and "true" not in latest["detail"].lower()  # the audit reads in words


def test_a_bad_value_is_refused_with_its_reason_and_nothing_changes(seeded, clients):
    client = clients["admin"]
    before = client.get(f"/api/v1/enterprises/{USCC_B}").json()["profile"]
    response = client.patch(f"/api/v1/enterprises/{USCC_B}/facts", json={"fact": "employees", "value": "很多"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "employees" and "整数" in error["message"]
    unknown = client.patch(f"/api/v1/enterprises/{USCC_B}/facts", json={"fact": "no_such_fact", "value": "1"})
    assert unknown.status_code == 422
    assert client.get(f"/api/v1/enterprises/{USCC_B}").json()["profile"] == before


def test_checkup_page_links_each_result_to_its_clause(seeded, clients):
    page = clients["ent_a"].get(f"/enterprises/{USCC_A}")
    assert page.status_code == 200
    assert "可享受" in page.text and "差一点" in page.text and "待确认" in page.text
    assert 'href="/policies/000_094af80e03a20c8c/clauses/1.1"' in page.text
    # each of the first missing facts shown gets an inline form (which facts lead depends on the measures)
    shown = re.findall(r'data-fact="([a-z0-9_.]+)"', page.text)
    assert shown and f'name="fact" value="{shown[0]}"' in page.text
    clause = clients["ent_a"].get("/policies/000_094af80e03a20c8c/clauses/1.1")
    assert clause.status_code == 200 and "重点物资运输车辆通行证" in clause.text


def test_htmx_fact_form_returns_the_rechecked_workspace(seeded, clients):
    client = clients["admin"]
    token = client.headers["X-CSRF-Token"]
    response = client.post(f"/enterprises/{USCC_B}/facts", data={"fact": "employees", "value": "abc", "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="fact-error"' in response.text and "<html" not in response.text
    plain = client.post(f"/enterprises/{USCC_B}/facts", data={"fact": "employees", "value": "abc", "csrf_token": token})
    assert plain.status_code == 422 and "从业人员" in plain.text
    ok = client.post(f"/enterprises/{USCC_B}/facts", data={"fact": "core_ip", "value": "true", "csrf_token": token},
                     headers={"HX-Request": "true"})
    assert ok.status_code == 200 and 'id="fact-notice"' in ok.text
    assert client.get(f"/api/v1/enterprises/{USCC_B}").json()["profile"]["core_ip"] is True
