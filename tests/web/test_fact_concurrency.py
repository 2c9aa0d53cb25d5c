"""Finding #1 (issue 10): concurrent fact edits lose nothing, on SQLite and PostgreSQL.

Two writers (the enterprise user editing 从业人员, an admin editing 营业收入) PATCH the same
enterprise at the same instant, 50 rounds: both edits are in the stored profile after every
round. Optimistic concurrency on top: the profile GET carries an ETag (the profile revision), a
PATCH with a stale ``If-Match`` is refused with 412 and a Chinese message, and the web form
posting a stale revision gets 409 with a Chinese conflict message in the page.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import insert

from zhida.enterprises.tables import Enterprise
from zhida.web.app import create_app
from zhida.web.auth import Actor, create_user
from zhida.web.enterprise_data import lifted_columns

from .conftest import PASSWORD, USCC_A, serve
from .enterprise_seed import AS_OF, example

ROUNDS = 50
YEAR = str(AS_OF.year - 1)  # employees / revenue are read for the year before the evaluation date


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('concurrency') / 'zhida.sqlite3'}"
        yield from _site(url)
    else:  # the root conftest's schema fixture (an import of tests.conftest fails without rootdir on sys.path)
        yield from _site(request.getfixturevalue("postgres_module_url"))


def _site(url):
    app = create_app(url, secret=b"test-secret-" * 4)
    app.state.as_of = AS_OF
    store = app.state.store
    create_user(store, Actor("cli:test"), username="admin", password=PASSWORD, role="admin")
    create_user(store, Actor("cli:test"), username="ent_a", password=PASSWORD, role="enterprise", uscc=USCC_A)
    profile = example("industrial_sme_equipment_2022.json", uscc=USCC_A, region_code="110105",
                      name="北京朝阳博远精密机械有限公司")
    with store.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": USCC_A,
                                              "created_at": dt.datetime.now(dt.UTC)}])
    with serve(app) as server:
        clients = {name: server.login(name) for name in ("admin", "ent_a")}
        yield server, clients
        for client in clients.values():
            client.close()
    app.state.store.close()


def _patch(client, fact, value, answers, barrier, **headers):
    barrier.wait()
    answers.append(client.patch(f"/api/v1/enterprises/{USCC_A}/facts", json={"fact": fact, "value": value},
                                headers=headers))


def test_two_simultaneous_edits_of_different_facts_are_both_kept(site):
    _, clients = site
    lost = []
    for i in range(ROUNDS):
        employees, revenue = str(100 + i), f"{5_000_000 + i}.00"
        answers: list = []
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_patch, args=(clients["ent_a"], "employees", employees, answers, barrier)),
                   threading.Thread(target=_patch, args=(clients["admin"], "revenue", revenue, answers, barrier))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        figures = clients["admin"].get(f"/api/v1/enterprises/{USCC_A}").json()["profile"]["figures"][YEAR]
        if figures.get("employees") != int(employees) or figures.get("revenue") != revenue:
            lost.append((i, figures.get("employees"), figures.get("revenue")))
    assert lost == [], f"edits lost in {len(lost)} of {ROUNDS} rounds: {lost[:5]}"


def test_profile_etag_and_stale_if_match_is_412(site):
    _, clients = site
    client = clients["admin"]
    got = client.get(f"/api/v1/enterprises/{USCC_A}")
    etag = got.headers["etag"]
    assert etag == f'"{got.json()["revision"]}"'
    fresh = client.patch(f"/api/v1/enterprises/{USCC_A}/facts", json={"fact": "employees", "value": "77"},
                         headers={"If-Match": etag})
    assert fresh.status_code == 200, fresh.text
    new_etag = fresh.headers["etag"]
    assert new_etag != etag and fresh.json()["revision"] == new_etag.strip('"')
    stale = client.patch(f"/api/v1/enterprises/{USCC_A}/facts", json={"fact": "employees", "value": "78"},
                         headers={"If-Match": etag})
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "precondition_failed" and "已被修改" in error["message"]
    profile = client.get(f"/api/v1/enterprises/{USCC_A}").json()["profile"]
    assert profile["figures"][YEAR]["employees"] == 77  # the stale edit changed nothing
    assert client.get(f"/api/v1/enterprises/{USCC_A}").headers["etag"] == new_etag
    star = client.patch(f"/api/v1/enterprises/{USCC_A}/facts", json={"fact": "employees", "value": "79"},
                        headers={"If-Match": "*"})
    assert star.status_code == 200


def test_web_form_with_a_stale_revision_gets_409_and_a_chinese_message(site):
    _, clients = site
    client = clients["ent_a"]
    token = client.headers["X-CSRF-Token"]
    page = client.get(f"/enterprises/{USCC_A}")
    assert page.status_code == 200
    revision = client.get(f"/api/v1/enterprises/{USCC_A}").json()["revision"]
    assert f'name="revision" value="{revision}"' in page.text  # each fact form carries the revision it showed
    # Somebody else saves in between.
    assert clients["admin"].patch(f"/api/v1/enterprises/{USCC_A}/facts",
                                  json={"fact": "employees", "value": "91"}).status_code == 200
    for headers in ({"HX-Request": "true"}, {}):
        stale = client.post(f"/enterprises/{USCC_A}/facts", headers=headers,
                            data={"fact": "core_ip", "value": "true", "revision": revision, "csrf_token": token})
        assert stale.status_code == 409
        assert 'id="fact-error"' in stale.text and "已被他人修改" in stale.text
    assert "core_ip" not in client.get(f"/api/v1/enterprises/{USCC_A}").json()["profile"]
    current = client.get(f"/api/v1/enterprises/{USCC_A}").json()["revision"]
    ok = client.post(f"/enterprises/{USCC_A}/facts", headers={"HX-Request": "true"},
                     data={"fact": "core_ip", "value": "true", "revision": current, "csrf_token": token})
    assert ok.status_code == 200 and 'id="fact-notice"' in ok.text
