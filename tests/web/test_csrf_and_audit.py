"""CSRF on every unsafe request (API header and HTML form), and the audit log of changes."""

from __future__ import annotations

import re

from .conftest import PASSWORD


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def _user_exists(clients, username) -> bool:
    return any(u["username"] == username for u in clients["admin"].get("/api/v1/users",
                                                                         params={"per_page": 100}).json()["items"])


def test_api_write_without_or_with_wrong_token_is_refused(server, clients):
    body = {"username": "csrf-victim", "password": "long-enough-1", "role": "admin"}
    admin = clients["admin"]
    for headers in ({"X-CSRF-Token": ""}, {"X-CSRF-Token": "0" * 64},
                    # A valid token of ANOTHER session does not work for this one.
                    {"X-CSRF-Token": clients["staff"].headers["X-CSRF-Token"]}):
        response = admin.post("/api/v1/users", json=body, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
    assert not _user_exists(clients, "csrf-victim")
    ok = admin.post("/api/v1/users", json=body)
    assert ok.status_code == 201 and _user_exists(clients, "csrf-victim")


def test_form_post_without_token_is_refused(server):
    with server.client() as browser:
        browser.get("/login")  # gets the anonymous seed cookie
        refused = browser.post("/login", data={"username": "admin", "password": PASSWORD})
        assert refused.status_code == 403 and "CSRF" in refused.text
        assert "zhida_session" not in browser.cookies
        token = _form_token(browser.get("/login").text)
        accepted = browser.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
        assert accepted.status_code == 303 and "zhida_session" in browser.cookies
        # The session id changed at login, so the pre-login token no longer works.
        logout_with_old = browser.post("/logout", data={"csrf_token": token})
        assert logout_with_old.status_code == 403
        fresh = _form_token(browser.get("/policies").text)
        assert fresh != token
        assert browser.post("/logout", data={"csrf_token": fresh}).status_code == 303
        assert browser.get("/account").status_code == 303  # logged out: back to the login page


def test_htmx_style_header_is_accepted_on_forms(server):
    with server.client() as browser:
        token = _form_token(browser.get("/login").text)
        response = browser.post("/login", data={"username": "admin", "password": PASSWORD},
                                headers={"X-CSRF-Token": token, "HX-Request": "true"})
        assert response.status_code == 303


def test_session_cookie_flags(server):
    with server.client() as browser:
        token = _form_token(browser.get("/login").text)
        response = browser.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "zhida_session=" in v)
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_wrong_password_and_inactive_user(server, clients):
    with server.client() as api:
        token = api.get("/api/v1/auth/csrf").json()["csrf_token"]
        bad = api.post("/api/v1/auth/login", json={"username": "admin", "password": "nope-nope"},
                       headers={"X-CSRF-Token": token})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_credentials"


def test_audit_log_records_changes_with_before_and_after(server, clients):
    admin = clients["admin"]
    created = admin.post("/api/v1/users", json={"username": "audited", "password": "long-enough-2",
                                                "role": "staff", "units": ["市财政局"], "region": "海淀区"})
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert admin.put(f"/api/v1/users/{user_id}/active", json={"active": False}).status_code == 200
    entries = admin.get("/api/v1/audit", params={"entity": "user", "entity_id": str(user_id)}).json()
    assert entries["meta"]["total"] == 2
    update, create = entries["items"]  # newest first
    assert create["action"] == "create" and create["actor"] == "admin" and create["before"] is None
    assert create["after"]["units"] == ["市财政局"] and create["after"]["region"] == "110108"  # as its code
    assert update["before"]["active"] is True and update["after"]["active"] is False
    assert "password" not in str(entries) or "password_hash" not in str(entries)
    assert "argon2" not in str(entries)
    # A refused change writes nothing: duplicate username → 409, no audit entry, no user.
    duplicate = admin.post("/api/v1/users", json={"username": "audited", "password": "long-enough-2",
                                                  "role": "admin"})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["field"] == "username"
    assert admin.get("/api/v1/audit", params={"entity": "user", "entity_id": str(user_id)}).json()[
        "meta"]["total"] == 2
    # The deactivated user cannot log in any more.
    with server.client() as api:
        token = api.get("/api/v1/auth/csrf").json()["csrf_token"]
        assert api.post("/api/v1/auth/login", json={"username": "audited", "password": "long-enough-2"},
                        headers={"X-CSRF-Token": token}).status_code == 401


def test_password_change_through_the_page_is_audited(server, clients):
    admin = clients["admin"]
    assert admin.post("/api/v1/users", json={"username": "changer", "password": "first-pass-1",
                                             "role": "enterprise", "uscc": "91110000600037341L"}).status_code == 201
    user = server.login("changer", "first-pass-1")
    token = _form_token(user.get("/account").text)
    mismatch = user.post("/account/password", data={"csrf_token": token, "current_password": "first-pass-1",
                                                    "new_password": "second-pass-2", "confirm_password": "x"})
    assert mismatch.status_code == 422 and "不一致" in mismatch.text
    done = user.post("/account/password", data={"csrf_token": token, "current_password": "first-pass-1",
                                                "new_password": "second-pass-2", "confirm_password": "second-pass-2"})
    assert done.status_code == 303
    assert user.get("/account").status_code == 303  # every session of the user ended
    server.login("changer", "second-pass-2").close()
    log = admin.get("/api/v1/audit", params={"actor": "changer"}).json()["items"]
    assert [e["action"] for e in log] == ["login", "change_password", "login"]  # newest first
    user.close()
