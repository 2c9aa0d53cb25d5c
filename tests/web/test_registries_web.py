"""/api/v1/registries over a live server: lists with criteria, an enterprise's application reviewed
by the keeping unit (others refused), a batch run, members on a date, figures as XLSX, OpenAPI."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from .conftest import USCC_A, make_uscc
from .enterprise_seed import add_example, seed

USCC_R = make_uscc("91110105MA0REG1X0")


def test_registries_api(server, clients):
    seed(server.app)
    add_example(server.app, USCC_R, "北京朝阳登记测试科技有限公司")
    listing = clients["ent_a"].get("/api/v1/registries").json()["items"]
    ladder = next(r for r in listing if r["name"] == "srdi-ladder")
    # the version in force today: 2022's 暂行办法 until 2026-03-31, the revision's from 2026-04-01
    in_force = "2026" if dt.date.today() >= dt.date(2026, 4, 1) else "2022"
    assert [t["criteria_version"] for t in ladder["tiers"]] == [in_force] * 3
    assert ladder["unit"] == "市经济和信息化局"

    # an enterprise applies for itself only; the district recommends one of its own enterprises
    ent = clients["ent_a"]
    assert ent.post("/api/v1/registries/cy-high-growth/proposals", json={"uscc": USCC_R}).status_code == 403
    made = ent.post("/api/v1/registries/cy-high-growth/proposals", json={"note": "近三年营收翻番"})
    assert made.status_code == 201, made.text
    again = ent.post("/api/v1/registries/cy-high-growth/proposals", json={})
    assert again.status_code == 422 and "待审核" in again.json()["error"]["message"]
    staff = clients["staff"]  # 市经济和信息化局, 朝阳区
    rec = staff.post("/api/v1/registries/srdi-ladder/proposals", json={"uscc": USCC_R, "tier": "srdi_sme"})
    assert rec.status_code == 201 and rec.json()["way"] == "recommendation"

    # only the keeping unit reviews: 区发展改革委 keeps 高成长企业库, so this staff member may not
    pid = made.json()["id"]
    refused = staff.post("/api/v1/registries/cy-high-growth/proposals/decisions",
                         json={"ids": [pid], "decision": "accept"})
    assert refused.status_code == 403
    assert ent.get("/api/v1/registries/cy-high-growth/members").status_code == 403
    admin = clients["admin"]
    no_reason = admin.post("/api/v1/registries/cy-high-growth/proposals/decisions",
                           json={"ids": [pid], "decision": "reject"})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    # found by the examiner's walk: 9999-12-31 + the 3-year validity left the calendar (500)
    far = admin.post("/api/v1/registries/cy-high-growth/proposals/decisions",
                     json={"ids": [pid], "decision": "accept", "on": "9999-12-31"})
    assert far.status_code == 422 and far.json()["error"]["field"] == "on"
    assert "入库日期 9999-12-31 超出支持范围" in far.json()["error"]["message"]
    ok = admin.post("/api/v1/registries/cy-high-growth/proposals/decisions",
                    json={"ids": [pid], "decision": "accept", "on": "2022-10-01"})
    assert ok.status_code == 200 and ok.json()["decided"] == 1
    members = admin.get("/api/v1/registries/cy-high-growth/members", params={"on": "2022-10-01"}).json()
    assert [m["uscc"] for m in members["items"]] == [USCC_A] and members["items"][0]["way"] == "application"
    assert admin.get("/api/v1/registries/cy-high-growth/members", params={"on": "2022-09-30"}).json()["meta"]["total"] == 0
    assert ent.get("/api/v1/registries/cy-high-growth/proposals").status_code == 403

    decided = staff.post("/api/v1/registries/srdi-ladder/proposals/decisions",
                         json={"ids": [rec.json()["id"]], "decision": "accept", "on": "2022-11-01"})
    assert decided.status_code == 200
    run = staff.post("/api/v1/registries/srdi-ladder/runs", json={"on": "2022-12-31"})
    assert run.status_code == 200, run.text
    assert run.json()["candidates"] > 0  # the seeded SMEs of Beijing, pending the unit's score
    pending = staff.get("/api/v1/registries/srdi-ladder/proposals", params={"per_page": 100}).json()
    assert pending["meta"]["total"] == run.json()["proposed"] and USCC_R not in {p["uscc"] for p in pending["items"]}
    target = staff.post("/api/v1/registries/srdi-ladder/targets",
                        json={"region_code": "110105", "tier": "srdi_sme", "year": 2022, "target": 10})
    assert target.status_code == 200
    figures = staff.get("/api/v1/registries/srdi-ladder/figures", params={"on": "2022-12-31"}).json()
    assert figures["tiers"]["srdi_sme"] == 1 and figures["progress"][0]["share"] == "10%" and figures["computed_at"]
    book = load_workbook(io.BytesIO(staff.get("/api/v1/registries/srdi-ladder/figures.xlsx",
                                              params={"on": "2022-12-31"}).content))
    assert book["层级"]["B3"].value == 1
    names = server.app.openapi()["paths"]
    assert {"/api/v1/registries", "/api/v1/registries/{name}/members", "/api/v1/registries/{name}/runs",
            "/api/v1/registries/{name}/imports"} <= set(names)
