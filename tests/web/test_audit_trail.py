"""Issue 10 #8: security events, exports, what-ifs and batch start/cancel are audited with who,
when, what and from where; the log is hash-chained and `zhida audit verify` finds the first
entry that was changed, deleted or inserted."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
import uvicorn
from alembic import command
from sqlalchemy import create_engine, delete, insert, select, text, update

from zhida.store import open_store
from zhida.store.database import alembic_config
from zhida.web.app import create_app
from zhida.audit.chain import verify
from zhida.web.auth import Actor, create_user
from zhida.web.tables import AuditEntry

from .conftest import PASSWORD, USCC_A, Server, _free_port
from .enterprise_seed import seed

RUN = [sys.executable, "-c", "import sys, zhida.cli.web; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
MEASURE = "bj2022.sme-equipment-deduction"  # as in test_simulate: a threshold to lower


def _entries(server, **where) -> list[AuditEntry]:
    with server.app.state.store.sessions() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(session.scalars(query))


def test_login_failed_login_and_logout_are_audited_with_the_address(server):
    create_user(server.app.state.store, Actor("cli:test"), username="trail-user", password=PASSWORD, role="admin")
    with server.client() as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        forwarded = {"X-CSRF-Token": token, "X-Forwarded-For": "198.51.100.20"}  # via the trusted proxy
        assert client.post("/api/v1/auth/login", json={"username": "trail-user", "password": "not-the-password"},
                           headers=forwarded).status_code == 401
        ok = client.post("/api/v1/auth/login", json={"username": "trail-user", "password": PASSWORD}, headers=forwarded)
        assert ok.status_code == 200
        assert client.post("/api/v1/auth/logout", headers={**forwarded, "X-CSRF-Token": ok.json()["csrf_token"]}
                           ).status_code == 200
    trail = _entries(server, actor="trail-user")
    assert [e.action for e in trail] == ["login_failed", "login", "logout"]
    assert all(e.client == "198.51.100.20" for e in trail)
    assert trail[0].actor_id is None and trail[1].actor_id == trail[2].actor_id is not None
    assert all(e.at is not None and e.detail for e in trail)


@pytest.fixture(scope="module")
def seeded(server, clients, tmp_path_factory):
    seed(server.app)
    server.app.state.jobs.out_dir = tmp_path_factory.mktemp("audit-batches")
    return clients


def test_exports_what_ifs_and_batches_are_audited(server, seeded):
    admin = seeded["admin"]
    before = _entries(server)[-1].id
    assert admin.get(f"/api/v1/enterprises/{USCC_A}/checkup.xlsx").status_code == 200
    assert admin.get(f"/api/v1/enterprises/{USCC_A}/checkup.pdf").status_code == 200
    params = admin.get("/api/v1/simulations/parameters", params={"measure": MEASURE}).json()
    threshold = next(p["id"] for p in params if p["id"].startswith("conditions.unit_value_over_5m."))
    assert admin.post("/api/v1/simulations", json={"measure": MEASURE, "parameter": threshold,
                                                    "value": "100000"}).status_code == 200
    job = admin.post("/api/v1/jobs/batch", json={}).json()
    cancelled = admin.post(f"/api/v1/jobs/{job['id']}/cancel")
    deadline = time.monotonic() + 240
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.5)
        job = admin.get(f"/api/v1/jobs/{job['id']}").json()
    if job["status"] != "completed":  # cancelled in time: run one to the end for the push list
        job = admin.post("/api/v1/jobs/batch", json={}).json()
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.5)
            job = admin.get(f"/api/v1/jobs/{job['id']}").json()
    assert admin.get("/api/v1/push/export.xlsx").status_code == 200
    new = [e for e in _entries(server, actor="admin") if e.id > before]
    actions = [(e.action, e.entity) for e in new]
    assert actions[:3] == [("export", "enterprise"), ("export", "enterprise"), ("whatif", "measure")]
    assert "XLSX" in new[0].detail and "PDF" in new[1].detail and new[0].entity_id == USCC_A
    assert new[2].entity_id == MEASURE and new[2].after["value"] == "100000"
    assert ("batch_start", "job") in actions and actions[-1] == ("export", "push_list")
    if cancelled.status_code == 202:
        assert ("batch_cancel", "job") in actions
    assert all(e.client == "127.0.0.1" and e.actor_id is not None for e in new)


def test_chain_detects_changed_deleted_and_cut_off_entries(database_url):
    from zhida import audit

    url = database_url
    store = open_store(url)
    try:
        for i in range(4):
            create_user(store, Actor("cli:test"), username=f"user{i}", password=PASSWORD, role="admin")
        # JSON as the store hands it back (PostgreSQL's JSONB reorders keys) still verifies
        audit.event(store, actor="t", actor_id=None, action="export", entity="x", entity_id="1",
                    after={"z": "朝阳区", "amount": "1.50", "n": 3, "f": 0.1, "nested": {"b": [1, 2], "a": None}})
        with store.sessions() as session:
            good = verify(session)
            ids = list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        assert good.intact and good.entries == 5 and len(good.head_hash) == 64
        assert _cli("audit", "verify", url=url).returncode == 0

        with store.transaction() as session:  # someone edits an entry in the database
            session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="someone-else"))
        with store.sessions() as session:
            changed = verify(session)
        assert changed.broken_at == ids[2] and "修改" in changed.reason
        result = _cli("audit", "verify", url=url)
        assert result.returncode == 1 and f"第 {ids[2]} 条" in result.stdout
        with store.transaction() as session:
            session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="cli:test"))

        with store.transaction() as session:  # ... or deletes one
            session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
        with store.sessions() as session:
            assert verify(session).broken_at == ids[2]
    finally:
        store.close()


def test_chain_detects_a_cut_off_tail(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'z.sqlite3'}")
    try:
        for i in range(3):
            create_user(store, Actor("cli:test"), username=f"user{i}", password=PASSWORD, role="admin")
        with store.transaction() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.id == session.scalar(select(AuditEntry.id)
                                                                                        .order_by(AuditEntry.id.desc()))))
        with store.sessions() as session:
            verdict = verify(session)
        assert not verdict.intact and verdict.broken_at is None and "链头" in verdict.reason
    finally:
        store.close()


def test_upgrade_chains_the_entries_written_before_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0600_job_leases")
        connection.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id, \"after\", detail) "
                                "VALUES ('2025-01-02 03:04:05.000006', 'cli:old', 'create', 'user', '1', "
                                "'{\"b\": 1, \"a\": \"朝阳\"}', '旧条目')"))
        connection.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                                "VALUES ('2025-01-03 00:00:00.000000', 'cli:old', 'update', 'user', '1')"))
    engine.dispose()
    store = open_store(url)
    try:
        create_user(store, Actor("cli:test"), username="newer", password=PASSWORD, role="admin")
        with store.sessions() as session:
            verdict = verify(session)
        assert verdict.intact and verdict.entries == 3
    finally:
        store.close()


def test_concurrent_appends_stay_one_chain(database_url):
    from zhida import audit

    url = database_url
    stores = [open_store(url) for _ in range(4)]  # as four worker processes would
    try:
        def write(store):
            for i in range(10):
                audit.event(store, actor="t", actor_id=None, action="export", entity="x", entity_id=str(i))

        threads = [threading.Thread(target=write, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with stores[0].sessions() as session:
            verdict = verify(session)
        assert verdict.intact and verdict.entries == 40
    finally:
        for store in stores:
            store.close()


@contextmanager
def _serve(app, forwarded_allow_ips: str):
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                       forwarded_allow_ips=forwarded_allow_ips))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        assert thread.is_alive()
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", app)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def test_forwarded_address_is_ignored_from_an_untrusted_peer(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'z.sqlite3'}", secret=b"s" * 32)
    with _serve(app, forwarded_allow_ips="10.9.9.9") as untrusting:
        with untrusting.client() as client:
            token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
            answer = client.post("/api/v1/auth/login", json={"username": "x1", "password": "wrong-password-1"},
                                 headers={"X-CSRF-Token": token, "X-Forwarded-For": "203.0.113.50"})
            assert answer.status_code == 401
    with app.state.store.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
    assert entry.client == "127.0.0.1"  # the peer's own address, not what it claimed


def _cli(*args, url):
    env = {**os.environ, "ZHIDA_DATABASE_URL": url}
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=120)


def test_insert_of_a_forged_entry_is_found(tmp_path):
    url = f"sqlite:///{tmp_path / 'z.sqlite3'}"
    store = open_store(url)
    try:
        for i in range(2):
            create_user(store, Actor("cli:test"), username=f"user{i}", password=PASSWORD, role="admin")
        with store.transaction() as session:
            last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            forged = session.execute(insert(AuditEntry).values(
                at=last.at, actor="cli:forger", action="delete", entity="user", entity_id="1",
                prev_hash=last.hash, hash="f" * 64).returning(AuditEntry.id)).scalar_one()
        with store.sessions() as session:
            assert verify(session).broken_at == forged
    finally:
        store.close()
