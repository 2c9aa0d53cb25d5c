"""The project library and 融资对接 over HTTP: scope by role (districts, lenders), the lender
account kept out of everything else, imports idempotent with a reject report (CSV and XLSX read
back), the OpenAPI document."""

from __future__ import annotations

import io

import pytest

from .conftest import USCC_A, USCC_B
from .project_accounts import make_project_staff


@pytest.fixture(scope="module")
def people(server):
    make_project_staff(server)
    made = {name: server.login(name) for name in ("cy_invest", "hd_invest", "bank_bj", "bank_icbc", "staff", "ent_a")}
    yield made
    for client in made.values():
        client.close()


def _project(client, **extra):
    body = {"name": "测试项目", "owner_uscc": USCC_A, "region_code": "110105", "total_investment": "200000000", **extra}
    response = client.post("/api/v1/projects", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_districts_see_their_projects_and_act_only_on_them(people):
    mine = _project(people["cy_invest"], name="朝阳区项目甲")
    theirs = _project(people["hd_invest"], name="海淀区项目乙", owner_uscc=USCC_B, region_code="110108")
    seen = {p["id"] for p in people["cy_invest"].get("/api/v1/projects?per_page=100").json()["items"]}
    assert mine["id"] in seen and theirs["id"] not in seen
    assert people["cy_invest"].get(f"/api/v1/projects/{theirs['id']}").status_code == 404
    refused = people["cy_invest"].post("/api/v1/projects", json={"name": "越区", "investor": "某投资方", "region_code": "110108"})
    assert refused.status_code == 403
    # the owner enterprise sees its own project, with the agency reward evaluated on it
    detail = people["ent_a"].get(f"/api/v1/projects/{mine['id']}").json()
    assert detail["agency_reward"]["measure"] == "bjhpj.project-introduction-agency-reward"
    assert people["ent_a"].get(f"/api/v1/projects/{theirs['id']}").status_code == 404
    added = people["cy_invest"].post(f"/api/v1/projects/{mine['id']}/documents", json={"title": "项目可行性研究报告", "ref": "档案室 A-12"})
    assert added.status_code == 200 and added.json()["documents"][0]["title"] == "项目可行性研究报告"
    assert people["hd_invest"].post(f"/api/v1/projects/{mine['id']}/documents", json={"title": "x"}).status_code == 404
    bad = people["cy_invest"].post("/api/v1/projects", json={"name": "x", "region_code": "110105", "total_investment": "很多",
                                                            "investor": "某"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "total_investment"


def test_keyset_pages_walk_the_same_projects_as_numbered_pages(people):
    """The pager's 下一页 carries the last id (keyset): the pages it walks are the numbered pages."""
    for i in range(21):  # more than the page's 20
        _project(people["cy_invest"], name=f"翻页项目{i}")
    client = people["cy_invest"]
    numbered = [[p["id"] for p in client.get("/api/v1/projects", params={"per_page": 2, "page": n}).json()["items"]]
                for n in (1, 2, 3)]
    walked, after = [], None
    for _ in range(3):
        got = client.get("/api/v1/projects", params={"per_page": 2, **({"after": after} if after else {})}).json()
        walked.append([p["id"] for p in got["items"]])
        after = got["next_after"]
    assert walked == numbered and all(len(page) == 2 for page in walked)
    assert after == walked[-1][-1]
    page = client.get("/projects")
    assert page.status_code == 200 and "after=" in page.text  # the page's 下一页 link is a keyset link
    second = client.get("/projects", params={"page": 2, "after": page.text.split("after=")[1].split("&")[0]})
    assert second.status_code == 200 and "翻页项目0" in second.text


def test_a_lender_account_reaches_financing_only(people, seeded):
    bank = people["bank_bj"]
    for path in ("/api/v1/enterprises", f"/api/v1/enterprises/{USCC_A}", "/api/v1/projects", "/api/v1/requests",
                 "/api/v1/applications"):
        assert bank.get(path).status_code == 403, path
    assert bank.get("/api/v1/finance/products").status_code == 200
    assert "/projects" not in bank.get("/finance").text.split("mainnav")[1].split("</nav>")[0]


def test_needs_reach_only_the_lenders_they_are_shared_with(people, seeded):
    made = people["bank_bj"].post("/api/v1/finance/products", json={
        "code": "WEB-BOB-1", "name": "科创信用贷", "lender": "北京银行", "kind": "credit",
        "amount_max": "10000000", "conditions": [{"id": "beijing", "label": "注册在北京", "expr": "LEFT(region_code, 2) = '11'"}]})
    assert made.status_code == 200, made.text
    assert people["bank_bj"].post("/api/v1/finance/products", json={
        "code": "WEB-X", "name": "冒名", "lender": "北京农商银行"}).status_code == 403
    need = people["ent_a"].post("/api/v1/finance/needs", json={"amount": "2000000", "term_months": 12, "purpose": "研发投入",
                                                               "share_lenders": ["北京银行"]})
    assert need.status_code == 201, need.text
    nid = need.json()["id"]
    assert people["bank_icbc"].get(f"/api/v1/finance/needs/{nid}").status_code == 404
    assert nid not in {n["id"] for n in people["bank_icbc"].get("/api/v1/finance/needs").json()["items"]}
    seen = people["bank_bj"].get(f"/api/v1/finance/needs/{nid}").json()
    # the need matches this lender's products only (the shared server may hold its other products too)
    assert "科创信用贷" in [m["product"] for m in seen["matches"]]
    assert {m.get("lender", "北京银行") for m in seen["matches"]} == {"北京银行"}
    pid = next(m["product_id"] for m in seen["matches"] if m["product"] == "科创信用贷")
    assert people["bank_icbc"].post(f"/api/v1/finance/needs/{nid}/responses",
                                    json={"product_id": pid, "transition": "contact"}).status_code == 404
    declined = people["bank_bj"].post(f"/api/v1/finance/needs/{nid}/responses", json={"product_id": pid, "transition": "decline"})
    assert declined.status_code == 422 and declined.json()["error"]["field"] == "reason"
    answered = people["bank_bj"].post(f"/api/v1/finance/needs/{nid}/responses",
                                      json={"product_id": pid, "transition": "decline", "reason": "抵押物不足"}).json()
    assert answered["responses"][0]["state_label"] == "不予支持"
    assert people["ent_a"].get(f"/api/v1/finance/needs/{nid}").json()["responses"][0]["reason"] == "抵押物不足"


def test_project_import_is_idempotent_with_a_reject_report(people):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["项目编号", "项目名称", "业主统一社会信用代码", "所在区", "总投资（元）", "行业代码"])
    sheet.append(["IMP-001", "导入项目一", USCC_A, "朝阳区", "300000000", "C3911"])
    sheet.append(["IMP-002", "导入项目二", "", "朝阳区", "abc", ""])
    sheet.append(["IMP-003", "导入项目三", "", "110105", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    assert load_workbook(io.BytesIO(content)).active["B2"].value == "导入项目一"  # the file read back
    files = {"file": ("projects.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    first = people["staff"].post("/api/v1/projects/import", files=files).json()
    assert first["created"] == 1
    assert {(r["row"], r["field"]) for r in first["rejected"]} == {(3, "total_investment"), (4, "owner_uscc")}
    again = people["staff"].post("/api/v1/projects/import", files=files).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    csv_text = "项目编号,项目名称,业主统一社会信用代码,所在区,总投资（元）\nIMP-001,导入项目一,%s,朝阳区,350000000\n" % USCC_A
    changed = people["staff"].post("/api/v1/projects/import", files={"file": ("p.csv", csv_text.encode(), "text/csv")}).json()
    assert changed["updated"] == 1


def test_openapi_lists_projects_and_finance(people):
    paths = people["staff"].get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/projects", "/api/v1/projects/{project_id}/shoutan", "/api/v1/projects/{project_id}/agency-reward",
                 "/api/v1/projects/map/{region}", "/api/v1/finance/needs", "/api/v1/finance/needs/{need_id}/responses"):
        assert path in paths, path


@pytest.mark.parametrize("path", ["/api/v1/projects", "/projects"])
def test_a_keyset_after_beyond_any_row_id_is_a_chinese_422(people, path):
    # found by the examiner's walk: ?after=99999999999999999999 reached SQLite (OverflowError → 500)
    client = people["cy_invest"]
    response = client.get(path, params={"after": "99999999999999999999"})
    assert response.status_code == 422, response.text[:300]
    if path.startswith("/api"):
        error = response.json()["error"]
        assert error["field"] == "after" and "太大" in error["message"]
    else:
        assert "数值太大" in response.text
    largest = client.get(path, params={"after": str(2**63 - 1)})  # the largest row id is still a page
    assert largest.status_code == 200
    if path.startswith("/api"):
        assert largest.json()["items"] == client.get(path, params={"per_page": 20}).json()["items"]
