"""The memoized checkup answered before routing (checkup_fast) and its HTTP form (checkup_http):
the same bytes and headers as the API route, ETag / 304, and every case it must not answer
(another enterprise's user, a staff user limited to a region, a bad USCC or date) left to the
route's guard; an edit by another writer seen by the next request; concurrent fact edits on SQLite."""

from __future__ import annotations

import json
import threading

import pytest

from zhida.enterprises import fact_edit
from zhida.web import enterprise_data
from zhida.web.auth import memo_session_user
from zhida.matching.checkup import _compute
from zhida.web.checkup_fast import MemoizedCheckups
from zhida.web.deps import principal_from

from .conftest import USCC_A, USCC_B

CHECKUP = "/api/v1/enterprises/{}/checkup"


def _scope(client, uscc: str, query: bytes = b"", **headers) -> dict:
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"type": "http", "method": "GET", "path": CHECKUP.format(uscc), "query_string": query,
            "headers": [(b"cookie", cookie.encode()), *((k.replace("_", "-").encode(), v.encode())
                                                        for k, v in headers.items())]}


def test_memoized_checkup_is_answered_before_routing_with_the_routes_bytes(seeded, clients, server):
    admin = clients["admin"]
    first = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})  # may compute
    fast = MemoizedCheckups(app=None, state=server.app.state)
    status, headers, body = fast._answer(_scope(admin, USCC_A), USCC_A)  # memoized now: answered here
    assert status == 200 and body == first.content
    assert dict(headers)[b"etag"].decode() == first.headers["etag"]
    again = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})
    assert again.content == first.content
    for name in ("etag", "vary", "content-type", "content-security-policy", "x-frame-options", "cache-control"):
        assert again.headers[name] == first.headers[name], name
    assert again.headers["cache-control"] == "no-store"


def test_etag_per_encoding_and_304_on_if_none_match(seeded, clients):
    admin = clients["admin"]
    plain = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})
    packed = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "gzip"})
    assert plain.headers["etag"] != packed.headers["etag"]
    tag = packed.headers["etag"]
    for presented in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        again = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "gzip", "If-None-Match": presented})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag, presented
    stale = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "gzip", "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.headers["etag"] == tag
    # the identity representation's tag does not validate the gzip one
    cross = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]})
    assert cross.status_code == 200


def test_a_memoized_checkup_is_never_served_past_the_guard(seeded, clients, server):
    clients["admin"].get(CHECKUP.format(USCC_B))  # memoized, and the admin session too
    fast = MemoizedCheckups(app=None, state=server.app.state)
    for name in ("ent_a", "staff"):  # another enterprise's user; staff of 朝阳区 asking for a 海淀 enterprise
        client = clients[name]
        assert client.get("/api/v1/auth/me").status_code == 200  # session memoized
        assert fast._answer(_scope(client, USCC_B), USCC_B) is None
        refused = client.get(CHECKUP.format(USCC_B))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    own = clients["staff"].get(CHECKUP.format(USCC_A))  # 朝阳区: allowed, through the route (region lookup)
    assert own.status_code == 200
    assert fast._answer(_scope(clients["staff"], USCC_A), USCC_A) is None  # never answered without the lookup


def test_what_only_the_route_can_judge_goes_to_the_route(seeded, clients, server, anonymous):
    admin = clients["admin"]
    assert admin.get(CHECKUP.format("91110105MA01ABCD0Z")).status_code == 422  # check character
    assert admin.get(CHECKUP.format(USCC_A), params={"as_of": "2022-13-01"}).status_code == 422
    assert anonymous.get(CHECKUP.format(USCC_A)).status_code == 401
    dated = admin.get(CHECKUP.format(USCC_A), params={"as_of": "2022-08-01"})
    assert dated.status_code == 200 and dated.json()["as_of"] == "2022-08-01"
    fast = MemoizedCheckups(app=None, state=server.app.state)
    status, _, body = fast._answer(_scope(admin, USCC_A, b"as_of=2022-08-01", accept_encoding="identity"), USCC_A)
    assert status == 200 and json.loads(body)["as_of"] == "2022-08-01"
    assert fast._answer(_scope(admin, USCC_A, b"as_of=20220801"), USCC_A) is None  # left to the route's parser


def test_an_edit_by_another_writer_is_seen_by_the_next_request(seeded, clients, server):
    admin = clients["admin"]
    store, day = server.app.state.store, server.app.state.as_of
    before = admin.get(CHECKUP.format(USCC_A)).content
    # Another process would write the store directly: no memo of this server is told.
    stored = enterprise_data.get(store, USCC_A)
    profile = fact_edit.supply(stored.profile, "employees", 123_456, day)
    user = principal_from(memo_session_user(store, admin.cookies["zhida_session"]))
    enterprise_data.save_profile(store, user, USCC_A, profile, action="supply_fact", detail="test")
    after = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})
    assert after.content != before
    assert after.content == _compute(enterprise_data.get(store, USCC_A), day).report_bytes


def test_concurrent_fact_edits_all_succeed_on_sqlite(seeded, clients):
    admin = clients["admin"]
    usccs = [e["uscc"] for e in admin.get("/api/v1/enterprises", params={"page": 3, "per_page": 12}).json()["items"]]
    statuses: list[int] = []

    def edit(i: int, uscc: str) -> None:
        with_token = {"X-CSRF-Token": admin.headers["X-CSRF-Token"]}
        response = admin.patch(f"/api/v1/enterprises/{uscc}/facts", json={"fact": "employees", "value": str(40 + i)},
                               headers=with_token)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=edit, args=(i, u)) for i, u in enumerate(usccs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [200] * len(usccs)  # was: "database is locked" (500) when two edits overlapped


def test_brief_checkup_is_the_full_one_without_reasons_and_near_misses(seeded, clients, server):
    """?explain=false: the same report less each result's reasons and near_miss, memoized apart
    (the full report's bytes unchanged), and answered before routing once memoized."""
    admin = clients["admin"]
    full = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})
    brief = admin.get(CHECKUP.format(USCC_A), params={"explain": "false"}, headers={"Accept-Encoding": "identity"})
    assert brief.status_code == 200 and brief.headers["etag"] != full.headers["etag"]
    whole, short = full.json(), brief.json()
    assert any(r["reasons"] for r in whole["results"]) and any(r["near_miss"] for r in whole["results"])
    for r in whole["results"]:
        del r["reasons"], r["near_miss"]
    assert short == whole  # summary and every other field identical, keys in the same order
    assert list(short["results"][0]) == list(whole["results"][0])
    fast = MemoizedCheckups(app=None, state=server.app.state)
    status, _, body = fast._answer(_scope(admin, USCC_A, b"explain=false", accept_encoding="identity"), USCC_A)
    assert status == 200 and body == brief.content
    status, _, body = fast._answer(_scope(admin, USCC_A, b"explain=true", accept_encoding="identity"), USCC_A)
    assert status == 200 and body == full.content
    assert fast._answer(_scope(admin, USCC_A, b"explain=no"), USCC_A) is None  # left to the route's parser
    assert admin.get(CHECKUP.format(USCC_A), params={"explain": "maybe"}).status_code == 422
    again = admin.get(CHECKUP.format(USCC_A), headers={"Accept-Encoding": "identity"})
    assert again.content == full.content == _compute(enterprise_data.get(server.app.state.store, USCC_A),
                                                     server.app.state.as_of).report_bytes
