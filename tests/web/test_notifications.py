"""消息 over HTTP: the inbox API and pages are scoped to the caller (enterprise A never sees B's
messages, not by list, id or mark-read), the badge counts unread, settings are saved and audited,
the e-mail address is set on the account page and by the administrator."""

from __future__ import annotations

from sqlalchemy import select

from zhida import notify
from zhida.audit.tables import AuditEntry
from zhida.web.tables import User

from .conftest import USCC_A, USCC_B


def _user_id(server, username):
    with server.app.state.store.sessions() as session:
        return session.scalar(select(User.id).where(User.username == username))


def _publish(server, recipient, title, **kw):
    with server.app.state.store.transaction() as session:
        return notify.publish(session, event=kw.pop("event", "application.step"), recipients=[recipient],
                              title=title, body=kw.pop("body", "正文"), link=kw.pop("link", "/my"), **kw)


def test_api_lists_only_the_callers_messages(server, clients):
    mine = _publish(server, notify.Recipient.enterprise(USCC_A), "甲企业：申报已受理")
    theirs = _publish(server, notify.Recipient.enterprise(USCC_B), "乙企业：资金已拨付")
    staff_msg = _publish(server, notify.Recipient.unit("市经济和信息化局"), "经信局：新申报待审核")
    a, b, staff = clients["ent_a"], clients["ent_b"], clients["staff"]

    listed = a.get("/api/v1/notifications?per_page=100").json()
    ids = [i["id"] for i in listed["items"]]
    assert mine in ids and theirs not in ids and staff_msg not in ids
    assert listed["unread"] >= 1 and listed["meta"]["total"] == len(ids)
    assert theirs in [i["id"] for i in b.get("/api/v1/notifications?per_page=100").json()["items"]]
    assert staff_msg in [i["id"] for i in staff.get("/api/v1/notifications?per_page=100").json()["items"]]

    assert a.get(f"/api/v1/notifications/{theirs}").status_code == 404
    assert a.get(f"/inbox/{theirs}").status_code == 404
    refused = a.post("/api/v1/notifications/read", json={"ids": [theirs]})
    assert refused.status_code == 200 and refused.json()["marked"] == []
    item = b.get(f"/api/v1/notifications/{theirs}").json()
    assert item["unread"] is True and item["title"] == "乙企业：资金已拨付"

    before = a.get("/api/v1/notifications/unread-count").json()["unread"]
    marked = a.post("/api/v1/notifications/read", json={"ids": [mine]}).json()
    assert marked == {"marked": [mine], "unread": before - 1}
    assert a.get(f"/api/v1/notifications/{mine}").json()["unread"] is False
    assert all(i["unread"] for i in a.get("/api/v1/notifications?unread_only=true&per_page=100").json()["items"])


def test_mark_read_needs_csrf_and_login(server, clients, anonymous):
    assert anonymous.get("/api/v1/notifications").status_code == 401
    assert anonymous.get("/inbox").status_code in (303, 307, 401)
    raw = server.client()
    raw.cookies = clients["ent_a"].cookies
    assert raw.post("/api/v1/notifications/read", json={"ids": None}).status_code == 403  # no CSRF token


def test_inbox_page_badge_and_open_marks_read(server, clients):
    client = clients["ent_b"]
    client.post("/api/v1/notifications/read", json={})
    message = _publish(server, notify.Recipient.enterprise(USCC_B), "乙企业：请补正材料",
                       event="application.correction", body="请补充营业执照副本。")
    page = client.get("/policies").text
    assert 'id="unread-badge">1<' in page
    inbox = client.get("/inbox").text
    assert "乙企业：请补正材料" in inbox and "补正材料通知" in inbox
    opened = client.get(f"/inbox/{message}").text
    assert "请补充营业执照副本。" in opened and "unread-badge" not in opened
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_settings_api_saves_validates_and_audits(server, clients):
    client = clients["ent_a"]
    got = client.get("/api/v1/notifications/subscriptions").json()
    assert got["subscriptions"] == [{"topic": "all", "value": "", "label": "全部可能符合条件的政策"}]
    put = client.put("/api/v1/notifications/subscriptions", json={
        "subscriptions": [{"topic": "measure_kind", "value": "cash_subsidy"}, {"topic": "district", "value": "朝阳区"}],
        "email": {"eligible.new": False}})
    assert put.status_code == 200, put.text
    body = put.json()
    assert [(s["topic"], s["value"]) for s in body["subscriptions"]] == [("measure_kind", "cash_subsidy"),
                                                                           ("district", "110105")]
    assert {e["event"]: e["email"] for e in body["email"]}["eligible.new"] is False
    bad = client.put("/api/v1/notifications/subscriptions", json={"subscriptions": [{"topic": "measure"}]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "subscriptions[0].topic"
    assert client.get("/api/v1/notifications/subscriptions").json()["subscriptions"] == body["subscriptions"]
    with server.app.state.store.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "notify_settings")
                                .order_by(AuditEntry.id.desc())).first()
    assert entry.actor == "ent_a" and entry.after["subscriptions"][1]["value"] == "110105"
    client.put("/api/v1/notifications/subscriptions", json={"subscriptions": [], "email": {"eligible.new": True}})


def test_settings_page_round_trip(server, clients):
    client = clients["staff"]
    page = client.get("/inbox/settings")
    assert page.status_code == 200 and "本单位负责的全部政策" in page.text
    token = client.headers["X-CSRF-Token"]
    saved = client.post("/inbox/settings", data={"csrf_token": token, "topic": ["my_measures"],
                                                 "email": ["window.closing"]})
    assert saved.status_code == 303
    settings = client.get("/api/v1/notifications/subscriptions").json()
    emails = {e["event"]: e["email"] for e in settings["email"]}
    assert emails["window.closing"] is True and emails["eligible.new"] is False
    client.put("/api/v1/notifications/subscriptions", json={"email": {k: True for k in emails}})


def test_email_address_on_account_page_and_by_admin(server, clients):
    own = clients["ent_a"].put("/api/v1/account/email", json={"email": "caiwu@qiye.example.cn"})
    assert own.status_code == 200 and own.json()["email"] == "caiwu@qiye.example.cn"
    bad = clients["ent_a"].put("/api/v1/account/email", json={"email": "不是邮箱"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"
    user_id = _user_id(server, "ent_b")
    assert clients["ent_a"].put(f"/api/v1/users/{user_id}/email", json={"email": "x@y.cn"}).status_code == 403
    by_admin = clients["admin"].put(f"/api/v1/users/{user_id}/email", json={"email": "b@qiye.example.cn"})
    assert by_admin.status_code == 200 and by_admin.json()["email"] == "b@qiye.example.cn"
    token = clients["ent_a"].headers["X-CSRF-Token"]
    form = clients["ent_a"].post("/account/email", data={"csrf_token": token, "email": ""})
    assert form.status_code == 303
    assert 'name="email" value=""' in clients["ent_a"].get("/account").text
    clients["admin"].put(f"/api/v1/users/{user_id}/email", json={"email": None})


def test_openapi_lists_the_notification_routes(clients):
    paths = clients["admin"].get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/notifications", "/api/v1/notifications/unread-count", "/api/v1/notifications/read",
                 "/api/v1/notifications/subscriptions", "/api/v1/notifications/{message_id}"):
        assert path in paths


def test_admin_creates_an_account_with_an_email_address(clients):
    made = clients["admin"].post("/api/v1/users", json={"username": "with_mail", "password": "Zhida-Mail-2026!",
                                                        "role": "staff", "units": ["市科委"], "email": "kw@gov.example.cn"})
    assert made.status_code == 201, made.text
    assert made.json()["email"] == "kw@gov.example.cn"
    bad = clients["admin"].post("/api/v1/users", json={"username": "bad_mail", "password": "Zhida-Mail-2026!",
                                                       "role": "staff", "units": ["市科委"], "email": "kw@"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"
    names = [u["username"] for u in clients["admin"].get("/api/v1/users?per_page=100").json()["items"]]
    assert "bad_mail" not in names


def test_settings_changes_read_in_chinese_on_the_audit_page():
    from zhida.web.audit_view import changes

    lines = changes("notify_settings",
                    {"subscriptions": [{"topic": "all", "value": "", "label": "全部可能符合条件的政策"}],
                     "email": {"eligible.new": True}},
                    {"subscriptions": [{"topic": "measure_kind", "value": "cash_subsidy", "label": "按政策类型"}],
                     "email": {"eligible.new": False}})
    assert lines == ["订阅：全部可能符合条件的政策 → 按政策类型（资金补贴）", "邮件提醒（新符合条件的政策）：关"]
