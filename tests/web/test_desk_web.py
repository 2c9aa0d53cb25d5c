"""The desk over HTTP: the request chain by role (API), scope (an enterprise sees only its own),
conflicting versions answered 409, 12345 import 422 with nothing written then idempotent, the
pages per role, and the figures' XLSX and A4 PDF read back."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from .conftest import USCC_A
from .desk_accounts import make_desk_staff
from .xlsx_checks import check_workbook


@pytest.fixture(scope="module")
def desk(server, clients):
    make_desk_staff(server)
    people = {name: server.login(name) for name in ("desk_line", "desk_tax", "desk_fin", "desk_super")}
    yield {**clients, **people}
    for client in people.values():
        client.close()


def _step(client, rid, name, **body):
    return client.post(f"/api/v1/requests/{rid}/actions/{name}", json=body)


def test_request_chain_over_http(desk):
    made = desk["ent_a"].post("/api/v1/requests", json={"text": "留抵退税什么时候到账"})
    assert made.status_code == 201, made.text
    r = made.json()
    assert r["uscc"] == USCC_A and r["state"] == "submitted" and "市税务局" in r["suggestion"]["units"]
    assert any("留抵" in c["quote"] for c in r["suggestion"]["clauses"])
    rid = r["id"]
    assert desk["ent_b"].get(f"/api/v1/requests/{rid}").status_code == 404  # another enterprise: not there
    assert desk["desk_tax"].get(f"/api/v1/requests/{rid}").status_code == 404  # not dispatched to it yet
    assert _step(desk["ent_a"], rid, "accept").status_code == 403
    r = _step(desk["desk_line"], rid, "accept", version=r["version"]).json()
    assert _step(desk["desk_line"], rid, "dispatch", version=r["version"] - 1, unit="市税务局").status_code == 409
    r = _step(desk["desk_line"], rid, "dispatch", version=r["version"], unit="市税务局", co_units=["市财政局"]).json()
    assert (r["state"], r["unit"], r["co_units"]) == ("dispatched", "市税务局", ["市财政局"])
    assert _step(desk["desk_fin"], rid, "sign").status_code == 403  # 会商单位 may not sign
    r = _step(desk["desk_tax"], rid, "sign", version=r["version"]).json()
    assert desk["desk_fin"].post(f"/api/v1/requests/{rid}/opinions", json={"opinion": "同意税务局意见"}).status_code == 200
    clause = r["suggestion"]["clauses"][0]
    r = _step(desk["desk_tax"], rid, "answer", version=r["version"], answer="审核通过后10个工作日内退还。",
              citations=[clause]).json()
    assert r["state"] == "answered" and r["citations"][0]["cite"].startswith("《")
    assert [a["name"] for a in desk["ent_a"].get(f"/api/v1/requests/{rid}").json()["actions"]] == ["rate_ok", "rate_bad"]
    r = _step(desk["ent_a"], rid, "rate_bad", version=r["version"], reason="没有说清楚哪天到账").json()
    assert (r["state"], r["reopened"]) == ("handling", 1)
    r = _step(desk["desk_tax"], rid, "answer", version=r["version"], answer="已于今日退还。", citations=[clause]).json()
    r = _step(desk["ent_a"], rid, "rate_ok", version=r["version"], rating="satisfied", solved=True).json()
    assert r["state"] == "closed"
    mine = desk["ent_a"].get("/api/v1/requests").json()["items"]
    assert {x["uscc"] for x in mine} == {USCC_A}
    assert all(x["uscc"] != USCC_A for x in desk["ent_b"].get("/api/v1/requests").json()["items"])


def test_hotline_import_over_http(desk):
    good = [{"工单编号": "WEB-0001", "受理时间": "2026-11-30 09:00", "诉求内容": "贷款贴息怎么申请"}]
    bad = good + [{"工单编号": "WEB-0002", "受理时间": "不详", "诉求内容": ""}]
    refused = desk["desk_super"].post("/api/v1/requests/import", json={"tickets": bad})
    assert refused.status_code == 422 and "未写入" in refused.json()["error"]["message"]
    assert desk["ent_a"].post("/api/v1/requests/import", json={"tickets": good}).status_code == 403
    first = desk["desk_super"].post("/api/v1/requests/import", json={"tickets": good}).json()
    again = desk["desk_super"].post("/api/v1/requests/import", json={"tickets": good}).json()
    assert (first["added"], again["added"], again["existing"]) == (1, 0, 1)
    exported = desk["desk_super"].get("/api/v1/requests/export", params={"format": "json"}).json()
    assert [x["工单编号"] for x in exported] == ["WEB-0001"] and exported[0]["状态"] == "待受理"


@pytest.mark.parametrize(("who", "path", "status"), [
    ("ent_a", "/desk", 200), ("desk_line", "/desk", 200), ("admin", "/desk", 200),
    ("ent_a", "/desk/packages", 200), ("staff", "/desk/packages", 200),
    ("ent_a", "/desk/figures", 403), ("desk_tax", "/desk/figures", 200), ("admin", "/desk/figures", 200),
    ("ent_a", "/api/v1/requests/figures", 403), ("ent_a", "/api/v1/visits", 403), ("staff", "/api/v1/visits", 200),
    ("ent_a", "/api/v1/service-packages", 200),
])
def test_desk_pages_by_role(desk, who, path, status):
    assert desk[who].get(path).status_code == status


def test_figures_exports_read_back(desk):
    month = desk["desk_tax"].get("/api/v1/requests").json()["items"][0]["received_at"][:7]
    figures = desk["desk_tax"].get("/api/v1/requests/figures", params={"month": month}).json()
    assert [x["unit"] for x in figures["lines"]] == ["市税务局"]  # a unit's staff see their unit only
    book = check_workbook(desk["desk_tax"].get("/api/v1/requests/figures.xlsx", params={"month": month}).content)
    assert book["三率"][1][0] == "市税务局" and book["三率"][1][9] == 100.0
    pdf = desk["admin"].get("/api/v1/requests/figures.pdf", params={"month": month})
    assert pdf.status_code == 200
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        for page in document.pages:
            assert (page.width, page.height) in ((841.89, 595.28), (842.0, 595.0)) or round(page.width) == 842
            assert not [c for c in page.chars if c["x1"] > page.width or c["bottom"] > page.height]
        text = "".join(p.extract_text() or "" for p in document.pages)
    assert "市税务局" in text and "接诉即办三率" in text


def test_odd_input_is_a_one_line_error_never_a_crash(desk):
    staff = desk["desk_super"]
    odd = staff.post("/api/v1/requests/import", json={"tickets": [{"工单编号": ["x"], "受理时间": 5, "诉求性质": ["咨询"],
                                                                   "诉求类型": {"a": 1}, "诉求内容": "内容"}]})
    assert odd.status_code == 422 and odd.json()["error"]["field"]
    assert staff.get(f"/api/v1/requests/{2**40}").status_code == 422  # out of range: refused before the database
    assert staff.get("/api/v1/requests/999999").status_code == 404
    assert staff.post("/api/v1/requests/1/actions/fly", json={}).status_code in (403, 404)
    made = desk["staff"].post("/api/v1/service-packages", json={"name": "测试包", "level": "city"}).json()
    bad_plan = desk["staff"].put(f"/api/v1/service-packages/{made['id']}/enterprises/{USCC_A}/plan",
                                 json={"goals": "目标", "actions": ["不是对象"]})
    assert bad_plan.status_code in (404, 422)  # not a member yet, or the action refused — never 500
    assert desk["staff"].post("/api/v1/requests", json={"text": "电话反映", "source": "phone",
                                                        "uscc": "123"}).json()["error"]["field"] == "uscc"
