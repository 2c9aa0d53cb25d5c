"""Nothing user-supplied is rendered unescaped; bad input gets a clear message."""

from __future__ import annotations

import re

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_a_display_name_is_escaped_on_the_users_page(clients):
    admin = clients["admin"]
    created = admin.post("/api/v1/users", json={"username": "xss-user", "password": "long-enough-3",
                                                "role": "admin", "display_name": SCRIPT})
    assert created.status_code == 201 and created.json()["display_name"] == SCRIPT  # stored as typed
    page = admin.get("/account/users").text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    audit_page = admin.get("/account/audit").text
    assert "<script>alert" not in audit_page


def test_html_in_search_and_filters_is_escaped(clients):
    api = clients["staff"]
    page = api.get("/policies/search", params={"q": SCRIPT + " 贷款"}).text
    assert "<script>alert" not in page and "onerror=alert(1)>" not in page
    listing = api.get("/policies", params={"q": SCRIPT}).text
    assert "<script>alert" not in listing
    assert 'value="&lt;script&gt;' in listing
    only_punctuation = api.get("/policies/search", params={"q": "<>!!"})
    assert only_punctuation.status_code == 422 and "须包含汉字、字母或数字" in only_punctuation.text


def test_pages_send_a_strict_content_security_policy(clients):
    response = clients["admin"].get("/policies")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    # No inline script and nothing loaded from another origin.
    assert not re.search(r"<script(?![^>]*\ssrc=)", response.text)
    assert not re.search(r'(src|href)="(https?:)?//', response.text)


def test_open_redirect_after_login_is_refused(server):
    with server.client() as browser:
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', browser.get("/login").text).group(1)
        response = browser.post("/login", data={"username": "admin", "password": "correct-horse-9",
                                                "csrf_token": token, "next": "//evil.example/x"})
        assert response.status_code == 303 and response.headers["location"] == "/"
