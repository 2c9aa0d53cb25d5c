"""Issue 10 #5: bodies are refused by size (and uploads by session) before the server reads them.

A real server in its own process (uvicorn), spoken to over a raw socket: the request announces a
huge body and sends almost none of it. The answer must come back while the body is still
unsent — a server that waited for (or read) the body would never answer and the read times out.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest

from zhida.store import open_store
from zhida.web import tables  # noqa: F401
from zhida.web.auth import Actor, create_user
from zhida.web.body_limits import LIMITS, limit_for

from .conftest import PASSWORD, USCC_A, _free_port

HUGE = 200 * 1024 * 1024


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(host, port, http client factory) of `uvicorn zhida.web.app:create_app` in a subprocess."""
    home = tmp_path_factory.mktemp("limits-home")
    url = f"sqlite:///{home / 'zhida.sqlite3'}"
    store = open_store(url)
    create_user(store, Actor("cli:test"), username="boss", password=PASSWORD, role="admin")
    create_user(store, Actor("cli:test"), username="firm", password=PASSWORD, role="enterprise", uscc=USCC_A)
    store.close()
    port = _free_port()
    env = {**os.environ, "ZHIDA_DATABASE_URL": url, "ZHIDA_HOME": str(home), "ZHIDA_SECRET_KEY": "k" * 32}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "zhida.web.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{base}/login", timeout=2)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.2)
    yield port, base
    proc.terminate()
    proc.wait(timeout=20)


def _raw(port: int, head: str, body: bytes = b"", *, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Send the request head and the first bytes of a body, then read the answer without sending
    more. Returns (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + body)
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pytest.fail("no answer while the announced body was still unsent: the server waited for the body")
    head_part, _, rest = data.partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, rest


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


@contextmanager
def _login(base: str, username: str):
    client = httpx.Client(base_url=base, timeout=30)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    try:
        yield client
    finally:
        client.close()


def test_one_table_every_path_has_a_limit():
    assert limit_for("/api/v1/auth/login").max_bytes <= 16 * 1024
    assert limit_for("/api/v1/enterprises/import").upload
    assert limit_for("/enterprises/import").upload
    assert limit_for("/api/v1/enterprises/x/facts").max_bytes < limit_for("/api/v1/enterprises/import").max_bytes
    assert limit_for("/anything/else") is LIMITS[-1]


def test_huge_login_body_is_refused_by_its_length(live):
    port, _ = live
    status, headers, body = _raw(port, "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                                       f"Content-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n",
                                 b'{"username": "boss", "password": "')
    assert status == 413
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and "过大" in error["message"]
    assert headers.get("x-content-type-options") == "nosniff"  # still one of ours


def test_huge_anonymous_upload_is_refused_before_reading(live):
    port, _ = live
    # within the upload size limit: refused because nobody is logged in, not by size
    status, _, body = _raw(port, "POST /api/v1/enterprises/import HTTP/1.1\r\nHost: t\r\n"
                                 "Content-Type: multipart/form-data; boundary=xx\r\n"
                                 f"Content-Length: {20 * 1024 * 1024}\r\n\r\n", b"--xx\r\n")
    assert status == 401 and json.loads(body)["error"]["code"] == "not_authenticated"
    status, _, _ = _raw(port, "POST /api/v1/enterprises/import HTTP/1.1\r\nHost: t\r\n"
                              f"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: {HUGE}\r\n\r\n",
                        b"--xx\r\n")
    assert status == 413
    status, headers, _ = _raw(port, "POST /enterprises/import HTTP/1.1\r\nHost: t\r\n"
                                    "Content-Type: multipart/form-data; boundary=xx\r\n"
                                    f"Content-Length: {20 * 1024 * 1024}\r\n\r\n", b"--xx\r\n")
    assert status == 303 and headers["location"] == "/login"


def test_upload_by_an_enterprise_user_is_refused_before_reading(live):
    port, base = live
    with _login(base, "firm") as client:
        cookie = f"zhida_session={client.cookies['zhida_session']}"
        status, _, body = _raw(port, "POST /api/v1/enterprises/import HTTP/1.1\r\nHost: t\r\n"
                                     f"Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=xx\r\n"
                                     f"Content-Length: {20 * 1024 * 1024}\r\n\r\n", b"--xx\r\n")
        assert status == 403 and json.loads(body)["error"]["code"] == "forbidden"


def test_upload_by_a_logged_in_official_is_read(live):
    port, base = live
    with _login(base, "boss") as client:
        cookie = f"zhida_session={client.cookies['zhida_session']}"
        # logged in, oversized: still refused by length
        status, _, _ = _raw(port, "POST /api/v1/enterprises/import HTTP/1.1\r\nHost: t\r\n"
                                  f"Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=xx\r\n"
                                  f"Content-Length: {HUGE}\r\n\r\n", b"--xx\r\n")
        assert status == 413
        # logged in, in bounds: the route reads it (and refuses the file type)
        response = client.post("/api/v1/enterprises/import", files={"file": ("data.pdf", b"{}")})
        assert response.status_code == 422 and ".xlsx" in response.json()["error"]["message"]


def test_chunked_body_is_counted_and_cut_off(live):
    port, _ = live
    chunk = b"a" * 4096
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4))  # 16 KiB > the login limit
    status, _, answer = _raw(port, "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", body)
    assert status == 413 and "过大" in json.loads(answer)["error"]["message"]


def test_json_api_body_over_its_limit(live):
    _, base = live
    with _login(base, "boss") as client:
        response = client.patch("/api/v1/enterprises/911101056000373410/facts",
                                content=b'{"facts": {"x": "' + b"a" * (2 * 1024 * 1024) + b'"}}',
                                headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert "过大" in response.json()["error"]["message"]
