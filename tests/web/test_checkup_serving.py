"""How a checkup is served under load: the memoized report as stored bytes (gzip when asked),
concurrent first requests computing once, and a fact edit or logout taking effect at once
despite the memos (profile revision; session lookups)."""

from __future__ import annotations

import gzip
import json
import threading
import time

import httpx
import pytest

from zhida.web import enterprise_data
from zhida.matching.checkup import CheckupCache, _compute

from .conftest import USCC_B


def test_gzip_body_is_the_same_report_and_identity_is_still_served(seeded, clients):
    client = clients["admin"]
    plain = client.get(f"/api/v1/enterprises/{USCC_B}/checkup", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    with client.stream("GET", f"/api/v1/enterprises/{USCC_B}/checkup", headers={"Accept-Encoding": "gzip"}) as packed:
        assert packed.headers["content-encoding"] == "gzip"
        raw = b"".join(packed.iter_raw())
    assert len(raw) * 4 < len(plain.content)  # the point of compressing
    assert gzip.decompress(raw) == plain.content
    assert json.loads(plain.content)["enterprise"]["uscc"] == USCC_B
    assert plain.headers["x-content-type-options"] == "nosniff"  # security headers still set


def test_concurrent_first_requests_compute_once():
    cache, calls, started = CheckupCache(), [], threading.Event()

    def compute():
        calls.append(1)
        started.set()
        time.sleep(0.2)  # the others arrive while this one computes
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute(("k",), compute)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(calls) == 1 and len(results) == 8 and len({id(r) for r in results}) == 1
    assert cache.get_or_compute(("other",), compute) is not results[0] and len(calls) == 2


def test_fact_edit_is_seen_by_the_next_memoized_checkup(seeded, clients, server):
    client = clients["admin"]
    uscc = client.get("/api/v1/enterprises", params={"page": 2, "per_page": 10}).json()["items"][3]["uscc"]
    before = client.get(f"/api/v1/enterprises/{uscc}/checkup").content
    assert client.get(f"/api/v1/enterprises/{uscc}/checkup").content == before  # memoized: the same bytes
    patch = client.patch(f"/api/v1/enterprises/{uscc}/facts", json={"fact": "employees", "value": "987654"})
    assert patch.status_code == 200, patch.text
    after = client.get(f"/api/v1/enterprises/{uscc}/checkup")
    assert after.json()["summary"] == patch.json()["summary"]
    fresh = _compute(enterprise_data.get(server.app.state.store, uscc), server.app.state.as_of)
    assert after.content == fresh.report_bytes  # what the engine says of the edited profile, not the memo
    assert json.loads(before)["enterprise"]["size_class"] != after.json()["enterprise"]["size_class"]


def test_logout_ends_the_session_at_once_despite_the_memo(seeded, server):
    client = server.login("admin")
    assert client.get(f"/api/v1/enterprises/{USCC_B}/checkup").status_code == 200  # memoizes the session
    old_cookies = dict(client.cookies)
    assert client.post("/api/v1/auth/logout").status_code in (200, 204)
    with httpx.Client(base_url=server.url, cookies=old_cookies) as replay:
        assert replay.get(f"/api/v1/enterprises/{USCC_B}/checkup").status_code == 401
    client.close()
