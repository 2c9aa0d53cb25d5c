"""我的政策 (/my): the enterprise user's landing page — totals, items with quote and how to apply,
deadlines, and the changes since the last visit after a fact is supplied."""

from __future__ import annotations

import re

from .mine_seed import mine_user


def test_enterprise_lands_on_my_policies_others_do_not(server, clients, seeded):
    assert clients["ent_a"].get("/").headers["location"] == "/my"
    assert clients["staff"].get("/").headers["location"] == "/dashboard"
    assert clients["staff"].get("/my").status_code == 403
    with server.client() as anonymous:
        assert anonymous.get("/my").status_code in (303, 401)


def test_my_policies_shows_totals_items_deadlines_and_changes_after_a_fact(server):
    uscc = mine_user(server.app, "mine_http", "91110105MA0MWNE10", "页面")
    client = server.login("mine_http")
    first = client.get("/my")
    assert first.status_code == 200
    html = first.text
    assert "我的政策" in html and "第一次查看" in html
    assert re.search(r'<tr data-kind="certain"><th>确定可得</th>', html)
    assert re.search(r'<tr data-kind="up_to"><th>最高可达</th>', html)
    # an item: its quote, linked to its clause, and how to apply (未明确 where the text says nothing)
    now = html[html.index('id="now"'):html.index('id="deadlines"')]
    assert 'class="source-link" href="/policies/' in now and "“" in now and "未明确" in now
    assert "今天截止" in html[html.index('id="deadlines"'):]  # the 2022 documents end on the evaluation date
    one_fact = html[html.index('id="one-fact"'):html.index('id="one-change"')]
    assert 'data-measure="bj2022mfg.key-material-transport-pass"' in one_fact
    assert "已承诺严格落实疫情防控措施" in one_fact

    again = client.get("/my").text
    assert "以来没有变化" in again

    response = client.patch(f"/api/v1/enterprises/{uscc}/facts",
                            json={"fact": "epidemic_control_commitment", "value": "true"})
    assert response.status_code == 200, response.text
    after = client.get("/my").text
    changes = after[after.index('id="changes"'):after.index('id="my-totals"')]
    assert "自上次访问以来的变化" in changes
    assert re.search(r'data-kind="status" data-measure="bj2022mfg.key-material-transport-pass">.*待确认 → 可享受',
                     changes)
    assert 'data-measure="bj2022mfg.key-material-transport-pass"' in after[after.index('id="now"'):
                                                                          after.index('id="deadlines"')]


def test_an_enterprise_account_without_a_stored_profile_gets_a_clear_page(server):
    from zhida.web.auth import Actor, create_user

    from .conftest import PASSWORD, make_uscc

    create_user(server.app.state.store, Actor("cli:test"), username="mine_noprofile", password=PASSWORD,
                role="enterprise", uscc=make_uscc("91110105MA0NPRF10"))
    page = server.login("mine_noprofile").get("/my")
    assert page.status_code == 200 and "企业库中还没有本企业" in page.text


def test_my_policies_api_is_the_same_visit(server, clients):
    mine_user(server.app, "mine_api", "91110105MA0APYNE0", "接口")
    client = server.login("mine_api")
    first = client.get("/api/v1/my")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["first_visit"] is True and body["changes"] == [] and body["last_seen_at"] is None
    assert [t["label"] for t in body["page"]["totals"]][:2] == ["确定可得", "最高可达"]
    assert body["page"]["now"] and all(i["quote"] and i["how"] for i in body["page"]["now"])
    html = client.get("/my").text  # the page is a visit too: it compares with the API's
    assert "以来没有变化" in html
    again = client.get("/api/v1/my").json()
    assert again["first_visit"] is False and again["last_seen_at"] is not None
    assert clients["staff"].get("/api/v1/my").status_code == 403


def test_a_one_change_item_shows_the_change_and_where_to_check_the_fact(server):
    from types import SimpleNamespace

    item = {"measure_id": "m1", "title": "示例措施", "status": "ineligible", "draft": False, "amount": "最高 50.00 万元",
            "counted_as": "", "responsible_units": ["区科委"], "quote": "给予最高50万元奖励", "document": "002",
            "clause": "1.2", "citation": "第一条（二）", "how": [
                {"key": "method", "label": "申报方式", "value": None, "quote": None, "document": None, "clause": None,
                 "scope": None}],
            "change": {"text": "2021年营业收入需不低于2000万元（现1800万元）", "fact": "revenue"}}
    html = server.app.state.templates.get_template("mine/_item.html").render(i=item, e=SimpleNamespace(uscc="U"))
    assert "2021年营业收入需不低于2000万元（现1800万元）" in html
    assert 'href="/enterprises/U" data-fact="revenue"' in html
    assert "申报方式</span>：原文未明确" in html and 'href="/policies/002/clauses/1.2"' in html
