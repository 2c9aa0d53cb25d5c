"""Issue 10 #6: login throttling per account and per client address (shared by all workers
through the store), bounded password hashing, and a password policy.

The test server trusts forwarded headers from 127.0.0.1 (uvicorn's default), so each test
poses as its own client address with X-Forwarded-For and does not lock the others out.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from zhida.errors import ZhidaError
from zhida.store import open_store
from zhida.web import login_throttle, password_policy, security
from zhida.web.auth import Actor, create_user
from zhida.web.tables import LoginFailure

from .conftest import PASSWORD


def _login(server, username: str, password: str, address: str):
    with server.client() as client:
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                           headers={"X-CSRF-Token": token, "X-Forwarded-For": address})


def _user(server, name: str) -> str:
    create_user(server.app.state.store, Actor("cli:test"), username=name, password=PASSWORD, role="admin")
    return name


def test_hundred_wrong_passwords_then_the_right_one_is_refused(server):
    name = _user(server, "throttle-a")
    answers = [_login(server, name, f"wrong-{i}-password", "198.51.100.1").status_code for i in range(100)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}  # locked after the fifth failure
    right = _login(server, name, PASSWORD, "198.51.100.1")
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    error = right.json()["error"]
    assert error["code"] == "too_many_attempts" and "登录失败次数过多" in error["message"]
    # the lock is the account's: the right password from another address is refused too
    assert _login(server, name, PASSWORD, "198.51.100.2").status_code == 429


def test_lock_doubles_after_each_expiry_and_success_clears_it(server):
    name = _user(server, "throttle-b")
    for i in range(5):
        assert _login(server, name, f"wrong-{i}-password", "198.51.100.3").status_code == 401
    first = int(_login(server, name, PASSWORD, "198.51.100.3").headers["Retry-After"])
    assert 50 <= first <= 60
    store = server.app.state.store

    def expire():
        with store.transaction() as session:
            session.execute(update(LoginFailure).where(LoginFailure.key == f"account:{name}")
                            .values(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))

    expire()
    assert _login(server, name, "still-wrong-pw", "198.51.100.3").status_code == 401
    second = int(_login(server, name, PASSWORD, "198.51.100.3").headers["Retry-After"])
    assert 110 <= second <= 120  # doubled
    expire()
    assert _login(server, name, PASSWORD, "198.51.100.3").status_code == 200
    with store.sessions() as session:  # a success clears the account's count
        assert session.get(LoginFailure, f"account:{name}") is None


def test_backoff_schedule():
    assert login_throttle.lock_for(4, 5) is None
    assert login_throttle.lock_for(5, 5) == timedelta(minutes=1)
    assert login_throttle.lock_for(7, 5) == timedelta(minutes=4)
    assert login_throttle.lock_for(500, 5) == timedelta(hours=1)


def test_one_address_trying_many_accounts_is_locked(server):
    own = _user(server, "throttle-c")
    for i in range(29):  # (counted directly: 29 argon2 hashes cost half a minute on a busy machine)
        assert login_throttle.record_failure(server.app.state.store, f"nobody-{i}", "203.0.113.9") is None
    assert _login(server, "nobody-29", "whatever-pass", "203.0.113.9").status_code == 401  # the 30th
    assert _login(server, own, PASSWORD, "203.0.113.9").status_code == 429  # the address is locked
    assert _login(server, own, PASSWORD, "203.0.113.10").status_code == 200  # another address is not


def test_failures_are_shared_between_worker_processes(database_url):
    """Two stores on one database (as two worker processes have): failures counted through one
    lock the account in the other. On SQLite and PostgreSQL."""
    url = database_url
    one, two = open_store(url), open_store(url)
    try:
        for _ in range(3):
            assert login_throttle.record_failure(one, "boss", "192.0.2.1") is None
        assert login_throttle.record_failure(two, "boss", "192.0.2.2") is None
        assert login_throttle.record_failure(one, "Boss ", "192.0.2.1") == 60  # same account, any case
        assert 50 <= login_throttle.retry_after(two, "boss", "192.0.2.9") <= 60
        assert login_throttle.retry_after(two, "someone-else", "192.0.2.9") is None
        with two.sessions() as session:
            assert session.scalar(select(LoginFailure.failures).where(LoginFailure.key == "address:192.0.2.1")) == 4
    finally:
        one.close()
        two.close()


def test_concurrent_logins_hash_at_most_two_at_a_time(server, monkeypatch):
    name = _user(server, "throttle-d")
    running, peak, lock = 0, 0, threading.Lock()
    verify = security._hasher.verify

    def counting_verify(stored, password):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            return verify(stored, password)
        finally:
            with lock:
                running -= 1

    class Counting:  # PasswordHasher has slots: wrap it instead of patching its method
        def __init__(self, real):
            self.real = real

        def hash(self, password):
            return self.real.hash(password)

        def verify(self, stored, password):
            return counting_verify(stored, password)

    monkeypatch.setattr(security, "_hasher", Counting(security._hasher))
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda i: _login(server, name if i % 2 else f"ghost-{i}", "wrong-password-x",
                                                 f"198.18.0.{i}").status_code, range(16)))
    assert set(answers) <= {401, 429} and 401 in answers
    assert 1 <= peak <= security.MAX_CONCURRENT_HASHES


def test_login_page_shows_the_lock_in_chinese(server):
    import re

    name = _user(server, "throttle-e")
    with server.client() as browser:
        for i in range(6):
            token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
            page = browser.post("/login", data={"username": name, "password": f"bad-{i}-password",
                                                "csrf_token": token}, headers={"X-Forwarded-For": "198.51.100.77"})
        assert page.status_code == 429 and "登录失败次数过多" in page.text and page.headers["Retry-After"]


@pytest.mark.parametrize("password, ok", [
    ("short-1", False), ("password123", False), ("Password2024!", False), ("qwertyuiop", False),
    ("aaaaaaaaaaaa", False), ("correct-horse-9", True), ("政策直达平台登录口令", True),
])
def test_password_policy(password, ok):
    assert (password_policy.check(password) is None) is ok


def test_weak_passwords_are_refused_when_creating_users(server, clients):
    with pytest.raises(ZhidaError, match="至少 10 位"):
        create_user(server.app.state.store, Actor("cli:test"), username="weak1", password="nine-char", role="admin")
    refused = clients["admin"].post("/api/v1/users", json={"username": "weak2", "password": "iloveyou123",
                                                            "role": "admin"})
    assert refused.status_code == 422 and "常见" in refused.json()["error"]["message"]


def test_the_command_line_applies_the_policy(tmp_path):
    import os
    import subprocess
    import sys

    run = [sys.executable, "-c", "import sys, zhida.cli.web; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path),
           "PW": "password2024"}
    weak = subprocess.run([*run, "users", "add", "boss", "--role", "admin", "--password-env", "PW"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert weak.returncode == 2 and "常见" in weak.stderr
    env["PW"] = PASSWORD
    assert subprocess.run([*run, "users", "add", "boss", "--role", "admin", "--password-env", "PW"],
                          capture_output=True, text=True, env=env, timeout=120).returncode == 0
    short = subprocess.run([*run, "users", "passwd", "boss", "--password-stdin"], input="short-pw\n",
                           capture_output=True, text=True, env=env, timeout=120)
    assert short.returncode == 2 and "至少 10 位" in short.stderr
