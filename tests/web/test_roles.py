"""Each role × each endpoint family, allowed and denied — by API and by page URL — and the
USCC guard that keeps an enterprise user to its own enterprise."""

from __future__ import annotations

import pytest

from .conftest import USCC_A, USCC_B
from zhida.web.deps import Principal, check_enterprise_scope
from zhida.web.errors import Forbidden

ALL = {"admin", "staff", "ent_a"}
OFFICIALS = {"admin", "staff"}
ADMIN = {"admin"}

# (path, roles that may read it). Enterprise routes are listed separately (row-level scope).
API_FAMILIES = [
    ("/api/v1/documents", ALL),
    ("/api/v1/documents/000", ALL),
    ("/api/v1/documents/000/clauses/3.7", ALL),
    ("/api/v1/search?q=%E8%B4%B7%E6%AC%BE", ALL),
    ("/api/v1/documents/000/interpretation", ALL),
    ("/api/v1/documents/000/links", ALL),  # 关联文件 are part of the published library
    ("/api/v1/documents/000/diff", OFFICIALS),  # with the measures to re-review
    ("/api/v1/expiring", OFFICIALS),
    ("/api/v1/consultations", ALL),  # 政策征集 is public: the public comments too
    ("/api/v1/auth/me", ALL),
    ("/api/v1/users", ADMIN),
    ("/api/v1/audit", ADMIN),
    ("/api/v1/jobs", OFFICIALS),
    ("/api/v1/applications", ALL),  # 政策兑现申请: rows by the roles held on each application
    ("/api/v1/applications/figures", OFFICIALS),
    ("/api/v1/notifications", ALL),
    ("/api/v1/notifications/unread-count", ALL),
    ("/api/v1/notifications/subscriptions", ALL),
    ("/api/v1/payments", ALL),
    ("/api/v1/payments/mine", {"ent_a"}),
    ("/api/v1/payments/exempt-lists", OFFICIALS),
    ("/api/v1/payments/budgets", OFFICIALS),
    ("/api/v1/requests", ALL),  # 接诉即办: rows scoped (own USCC / own units)
    ("/api/v1/requests/figures", OFFICIALS),
    ("/api/v1/requests/export", OFFICIALS),
    ("/api/v1/service-packages", ALL),
    ("/api/v1/visits", OFFICIALS),
    ("/api/v1/tasks", OFFICIALS),  # 督办: rows scoped (own units / the office sees all)
    ("/api/v1/tasks/matrix", OFFICIALS),
    ("/api/v1/tasks/figures", OFFICIALS),
    ("/api/v1/registries", ALL),
    ("/api/v1/registries/srdi-ladder", ALL),
    ("/api/v1/registries/srdi-ladder/members", OFFICIALS),
    ("/api/v1/registries/srdi-ladder/proposals", OFFICIALS),
    ("/api/v1/registries/srdi-ladder/flags", OFFICIALS),
    ("/api/v1/registries/srdi-ladder/figures", OFFICIALS),
    ("/api/v1/projects", ALL),  # 项目库: rows by district / city units / own USCC
    ("/api/v1/projects/shoutan/figures", OFFICIALS),
    ("/api/v1/projects/map/110105", ALL),  # 产业地图 is published
    ("/api/v1/finance/products", ALL),
    ("/api/v1/finance/needs", ALL),  # 融资对接: own USCC / shared with the lender
    ("/api/v1/finance/figures", OFFICIALS),
    ("/api/v1/indicators", ALL),  # 运行监测: own USCC / own district / all
    ("/api/v1/alerts", OFFICIALS),  # rows of the staff's units
    ("/api/v1/evaluations", ALL),  # 亩均: own USCC / own district / all
    ("/api/v1/rule-drafts", OFFICIALS),  # 措施草稿审核
    ("/api/v1/rule-drafts?document=003_4b22abcac525f172", OFFICIALS),
    ("/api/v1/rules/xz2022.first-set-equipment-subsidy/versions", OFFICIALS),
    ("/api/v1/indicators/figures", OFFICIALS),  # by district and industry (district staff: their own)
    ("/api/v1/indicators/parks", OFFICIALS),  # by park (district staff: their own district's)
    ("/api/v1/indicators/prices", OFFICIALS),
    ("/api/v1/indicators/resumption", OFFICIALS),  # 节假日开复工 (district staff: their own)
    ("/api/v1/analyses", OFFICIALS),  # 工业经济运行分析
]
PAGE_FAMILIES = [
    ("/policies", ALL),
    ("/policies/search?q=%E8%B4%B7%E6%AC%BE", ALL),
    ("/policies/000", ALL),
    ("/policies/000/clauses/3.7", ALL),
    ("/policies/000/interpretation", ALL),
    ("/policies/000/diff", OFFICIALS),
    ("/policies/expiring", OFFICIALS),
    ("/consultations", ALL),
    ("/calculator", ALL),
    ("/coverage", ALL),
    ("/account", ALL),
    ("/push", OFFICIALS),
    ("/simulations", OFFICIALS),
    ("/applications", ALL),
    ("/payouts/exempt", OFFICIALS),
    ("/payouts/ledger", OFFICIALS),
    ("/my/payouts", {"ent_a"}),
    ("/account/users", ADMIN),
    ("/account/audit", ADMIN),
    ("/inbox", ALL),
    ("/inbox/settings", ALL),
    ("/supervision", OFFICIALS),
    ("/supervision/units", OFFICIALS),
    ("/desk", ALL),
    ("/desk/packages", ALL),
    ("/desk/figures", OFFICIALS),
    ("/registries", ALL),
    ("/registries/srdi-ladder", ALL),
    ("/registries/srdi-ladder?tab=review", ALL),
    ("/registries/srdi-ladder?tab=figures", ALL),
    ("/projects", ALL),
    ("/projects/map", ALL),
    ("/projects/map/110105", ALL),
    ("/finance", ALL),
    ("/rules/drafts", OFFICIALS),  # 措施草稿审核
    ("/rules/drafts/001_17557c858a299f6c", OFFICIALS),
    ("/monitoring", OFFICIALS),  # 运行监测: figures by district, industry, key enterprises
    ("/monitoring/parks", OFFICIALS),  # 重点园区 (district staff: their own district's)
    ("/monitoring/alerts", OFFICIALS),  # rows of the staff's units
    ("/monitoring/analyses", OFFICIALS),
    ("/monitoring/key-enterprises", OFFICIALS),
    ("/monitoring/resumption", OFFICIALS),  # 节假日开复工 (district staff: their own)
    ("/monitoring/evaluations", ALL),  # own USCC / own district / all
    (f"/monitoring/enterprises/{USCC_A}", ALL),  # own USCC / own district / all
]


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("path", "allowed"), API_FAMILIES, ids=[p for p, _ in API_FAMILIES])
def test_api_family_by_role(clients, role, path, allowed):
    response = clients[role].get(path)
    if role in allowed:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("path", "allowed"), PAGE_FAMILIES, ids=[p for p, _ in PAGE_FAMILIES])
def test_page_family_by_role(clients, role, path, allowed):
    response = clients[role].get(path)
    if role in allowed:
        assert response.status_code == 200, response.text[:300]
        assert "<html" in response.text
    else:
        assert response.status_code == 403
        assert "无权" in response.text


# Open to the public (issue 11): read-only, no account. Everything else stays behind login.
PUBLIC_API = {p for p, a in API_FAMILIES
              if p.startswith(("/api/v1/documents", "/api/v1/search", "/api/v1/consultations")) and a == ALL}
PUBLIC_PAGES = {p for p, a in PAGE_FAMILIES if p.startswith(("/policies", "/calculator", "/consultations")) and a == ALL}


@pytest.mark.parametrize("path", [p for p, _ in API_FAMILIES if "/auth/" not in p])
def test_anonymous_api_reads_public_families_only(anonymous, path):
    response = anonymous.get(path)
    if path in PUBLIC_API:
        assert response.status_code == 200, response.text[:300]
        assert "set-cookie" not in response.headers  # nothing kept about the visitor
        return
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated", "message": "请先登录", "field": None}}


@pytest.mark.parametrize("path", [p for p, _ in PAGE_FAMILIES])
def test_anonymous_pages_public_or_redirect_to_login(anonymous, path):
    response = anonymous.get(path)
    if path in PUBLIC_PAGES:
        assert response.status_code == 200, response.text[:300]
        assert "set-cookie" not in response.headers
        assert 'href="/login?next=' in response.text  # 登录 link back to this page
        return
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2F")


@pytest.mark.parametrize("path", ["/enterprises", f"/enterprises/{USCC_A}", f"/enterprises/{USCC_A}/checkup.pdf",
                                  "/push", "/dashboard", "/simulations", "/coverage", "/account"])
def test_anonymous_never_reaches_stored_enterprises_or_staff_pages(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/api/v1/enterprises/{USCC_A}"), ("GET", f"/api/v1/enterprises/{USCC_A}/checkup"),
    ("GET", "/api/v1/enterprises"), ("GET", "/api/v1/jobs"), ("GET", "/api/v1/push"), ("GET", "/api/v1/dashboard"),
    ("POST", "/api/v1/jobs/batch"), ("POST", "/api/v1/enterprises/import"), ("GET", "/api/v1/simulations/measures")])
def test_anonymous_api_never_reaches_stored_enterprises_jobs_or_imports(anonymous, method, path):
    response = anonymous.request(method, path)
    assert response.status_code in (401, 403), (path, response.status_code)  # 403: no CSRF token on a POST
    assert response.json()["error"]["code"] in ("not_authenticated", "csrf_failed")


@pytest.mark.parametrize("role", sorted(ALL))
def test_calculator_api_by_role(clients, anonymous, role):
    for client in (clients[role], anonymous):
        response = client.post("/api/v1/calculator", json={"answers": {"entity_type": "enterprise"}})
        assert response.status_code == 200, response.text[:300]
        assert response.json()["question"]["fact"] == "region_code"


def test_anonymous_nav_shows_public_sections_and_login(anonymous):
    page = anonymous.get("/policies").text
    assert 'href="/policies"' in page and "登录" in page
    assert "/push" not in page and "/simulations" not in page and "/account" not in page
    assert anonymous.get("/login").headers.get("set-cookie", "").startswith("zhida_anon=")  # the form's CSRF seed


def test_public_reads_are_rate_limited_per_address(server, anonymous, clients):
    from zhida.web.public_access import PublicLimit

    previous = server.app.state.public_limit
    server.app.state.public_limit = PublicLimit("3/minute")
    try:
        statuses = [anonymous.get("/api/v1/documents").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = anonymous.get("/api/v1/documents")
        assert limited.json()["error"]["code"] == "too_many_requests" and int(limited.headers["Retry-After"]) >= 1
        page = anonymous.get("/policies")
        assert page.status_code == 429 and "访问过于频繁" in page.text
        assert clients["ent_a"].get("/api/v1/documents").status_code == 200  # signed-in users are not limited
    finally:
        server.app.state.public_limit = previous


def test_nav_shows_only_permitted_sections(clients):
    enterprise_page = clients["ent_a"].get("/policies").text
    assert "精准推送" not in enterprise_page and "模拟测算" not in enterprise_page
    assert f"/enterprises/{USCC_A}" in enterprise_page
    staff_page = clients["staff"].get("/policies").text
    assert "精准推送" in staff_page and "模拟测算" in staff_page


# --- the USCC guard -------------------------------------------------------------------

def test_enterprise_user_reaches_only_its_own_uscc_by_api(clients):
    own = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}")
    assert own.status_code in (200, 404)  # passes the guard (404 until the enterprise is stored)
    other = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_B}")
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "forbidden"
    # Lower case or padded: the same enterprise, the same refusal (no bypass by spelling).
    assert clients["ent_a"].get(f"/api/v1/enterprises/{USCC_B.lower()}").status_code == 403
    assert clients["ent_b"].get(f"/api/v1/enterprises/{USCC_A}").status_code == 403
    # Refusal does not depend on existence: an unknown but valid USCC is refused the same way.
    assert clients["ent_a"].get("/api/v1/enterprises/91110000600037341L").status_code == 403


def test_enterprise_user_reaches_only_its_own_uscc_by_url(seeded, clients):
    assert clients["ent_a"].get(f"/enterprises/{USCC_A}").status_code == 200
    denied = clients["ent_a"].get(f"/enterprises/{USCC_B}")
    assert denied.status_code == 403 and "本企业" in denied.text
    # /enterprises sends an enterprise user to its own page, never a list.
    redirect = clients["ent_a"].get("/enterprises")
    assert redirect.status_code == 303 and redirect.headers["location"] == f"/enterprises/{USCC_A}"


def test_admin_and_staff_scope_on_enterprises(clients):
    assert clients["admin"].get(f"/api/v1/enterprises/{USCC_B}").status_code in (200, 404)  # allowed
    # Staff with a region: an enterprise not known to be in 朝阳区 is refused.
    assert clients["staff"].get(f"/api/v1/enterprises/{USCC_B}").status_code == 403
    # Staff scoped by unit only: not limited by district.
    assert clients["staff_units"].get(f"/api/v1/enterprises/{USCC_B}").status_code in (200, 404)


def test_invalid_uscc_is_a_clear_422(clients):
    response = clients["admin"].get("/api/v1/enterprises/91110000600037341X")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "uscc"
    assert "校验位" in response.json()["error"]["message"]
    page = clients["admin"].get("/enterprises/lookup", params={"uscc": "12345"})
    assert page.status_code == 422 and "18位" in page.text


def _principal(role, units=(), region=None, uscc=None):
    return Principal(1, "u", role, None, tuple(units), region, uscc)


def test_guard_unit():
    check_enterprise_scope(_principal("admin"), USCC_B)
    check_enterprise_scope(_principal("enterprise", uscc=USCC_A), USCC_A)
    with pytest.raises(Forbidden):
        check_enterprise_scope(_principal("enterprise", uscc=USCC_A), USCC_B)
    with pytest.raises(Forbidden):  # an enterprise account without a USCC sees nothing
        check_enterprise_scope(_principal("enterprise", uscc=None), USCC_A)
    check_enterprise_scope(_principal("staff", region="朝阳区"), USCC_B, enterprise_region="朝阳区")
    with pytest.raises(Forbidden):
        check_enterprise_scope(_principal("staff", region="朝阳区"), USCC_B, enterprise_region="海淀区")
    with pytest.raises(Forbidden):
        check_enterprise_scope(_principal("staff", region="朝阳区"), USCC_B, enterprise_region=None)
    with pytest.raises(Forbidden):
        check_enterprise_scope(_principal("visitor"), USCC_A)


def test_staff_region_lookup_is_pluggable(server, clients):
    # The enterprises domain will set app.state.enterprise_region; the guard then lets staff in.
    previous = server.app.state.enterprise_region
    server.app.state.enterprise_region = {USCC_B: "朝阳区"}.get
    try:
        assert clients["staff"].get(f"/api/v1/enterprises/{USCC_B}").status_code in (200, 404)
        assert clients["staff"].get(f"/api/v1/enterprises/{USCC_A}").status_code == 403
    finally:
        server.app.state.enterprise_region = previous


# --- row scope beyond enterprises (issue 10 #7): imports, import rejects, jobs -------------

SCOPE_ROLES = ["admin", "staff", "staff_units", "ent_a"]


@pytest.fixture(scope="module")
def staff_upload(server, clients):
    """An import uploaded by the 朝阳区 staff user (one valid row, one outside 朝阳区)."""
    from .conftest import make_uscc
    from .enterprise_seed import seed
    from .imports import finished_import
    from .test_checkup_import import xlsx_bytes

    seed(server.app)
    content = xlsx_bytes([["统一社会信用代码", "企业名称", "所属区", "行业代码", "年度", "从业人员"],
                          [make_uscc("91110105MA0RLE01A"), "北京朝阳角色矩阵有限公司", "朝阳区", "C3911", 2021, 9],
                          [make_uscc("91110108MA0RLE02B"), "北京海淀角色矩阵有限公司", "海淀区", "C3911", 2021, 9]])
    job = finished_import(clients["staff"], clients["staff"].post("/api/v1/enterprises/import",
                                                                  files={"file": ("矩阵.xlsx", content)}))
    assert job["status"] == "completed" and job["summary"]["rejected_rows"] == 1, job
    return job


# role → status for what the 朝阳区 staff user uploaded: admin and the uploader see it; staff of
# another scope get 404 (as for an id that does not exist); enterprise users are refused (403).
UPLOAD_SCOPE = {"admin": 200, "staff": 200, "staff_units": 404, "ent_a": 403}


@pytest.mark.parametrize("role", SCOPE_ROLES)
@pytest.mark.parametrize("template", ["/api/v1/enterprises/imports/{import_id}/rejects",
                                      "/enterprises/imports/{import_id}/rejects.csv",
                                      "/api/v1/enterprises/import-jobs/{job_id}"])
def test_upload_scope_by_role(clients, staff_upload, role, template):
    path = template.format(import_id=staff_upload["summary"]["import_id"], job_id=staff_upload["id"])
    assert clients[role].get(path).status_code == UPLOAD_SCOPE[role], (role, path)


@pytest.mark.parametrize("role", SCOPE_ROLES)
def test_import_jobs_are_not_batch_jobs_by_role(clients, staff_upload, role):
    # /api/v1/jobs/{id} serves batch jobs only: an upload (its file path, its uploader) is not shown there.
    expected = 403 if role == "ent_a" else 404
    assert clients[role].get(f"/api/v1/jobs/{staff_upload['id']}").status_code == expected


# Setting a 资金池 (PUT /api/v1/payments/budgets, POST /payouts/ledger/budgets): the paying unit's staff
# (市财政局 pays this measure) and administrators; the handling unit's staff and enterprises are refused.
BUDGET_SETTERS = {"admin": True, "staff_units": True, "staff": False, "ent_a": False}


@pytest.mark.parametrize("role", sorted(BUDGET_SETTERS))
def test_budget_setting_by_role(clients, role):
    body = {"measure_id": "bj2022mfg.nev-purchase-subsidy", "year": 2032, "payer": "市级", "amount": "1000.00"}
    api = clients[role].put("/api/v1/payments/budgets", json=body)
    page = clients[role].post("/payouts/ledger/budgets", data={**body, "year": "2032"})
    if BUDGET_SETTERS[role]:
        assert api.status_code == 200 and api.json()["amount"] == "1000.00", api.text
        assert page.status_code == 303
    else:
        assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
        assert page.status_code == 403


ROUTE_SUGGESTION = "/api/v1/requests/route-suggestion"


@pytest.mark.parametrize("role", sorted(ALL))
def test_route_suggestion_api_by_role(clients, role):
    response = clients[role].post(ROUTE_SUGGESTION, json={"text": "留抵退税什么时候到账"})
    if role in OFFICIALS:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["units"][0]["unit"] == "市税务局"
        assert all(e["quote"] for u in body["units"] for e in u["evidence"])
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


def test_route_suggestion_api_anonymous_and_scope(seeded, clients, anonymous):
    assert anonymous.post(ROUTE_SUGGESTION, json={"text": "留抵退税"}).json()["error"]["code"] in (
        "not_authenticated", "csrf_failed")
    # a draft with a USCC passes the enterprise scope guard: staff of 朝阳区 reach USCC_A (朝阳) only
    mine = clients["staff"].post(ROUTE_SUGGESTION, json={"text": "社保能缓缴吗", "draft": True, "uscc": USCC_A})
    assert mine.status_code == 200, mine.text
    assert mine.json()["draft"]["draft"] is True and mine.json()["draft"]["text"].startswith("【答复草稿】")
    other = clients["staff"].post(ROUTE_SUGGESTION, json={"text": "社保能缓缴吗", "draft": True, "uscc": USCC_B})
    assert other.status_code == 403
    bad = clients["admin"].post(ROUTE_SUGGESTION, json={"text": " "})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "诉求内容"


def test_route_suggestion_in_openapi(clients):
    spec = clients["admin"].get("/api/openapi.json").json()
    assert "post" in spec["paths"][ROUTE_SUGGESTION]
