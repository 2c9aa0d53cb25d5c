"""A real zhida web server for the web tests: uvicorn on a free loopback port, over a SQLite
store with the five seed documents ingested and one account per role."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from zhida import config
from zhida.enterprises.uscc import check_char
from zhida.store import ingest_paths
from zhida.web.app import create_app
from zhida.web.auth import Actor, create_user

PASSWORD = "correct-horse-9"


def make_uscc(body17: str) -> str:
    return body17 + check_char(body17)


USCC_A = make_uscc("91110105MA01ABCD0")  # the enterprise user's own
USCC_B = make_uscc("91110108MA02WXY1K")  # somebody else's

ACCOUNTS = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff", "units": ["市经济和信息化局"], "region": "朝阳区"},
    "staff_units": {"role": "staff", "units": ["市财政局"]},  # no region: not limited by district
    "ent_a": {"role": "enterprise", "uscc": USCC_A},
    "ent_b": {"role": "enterprise", "uscc": USCC_B},
}


@dataclass
class Server:
    url: str
    app: object

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Client:
        """An API client logged in as ``username``, sending its CSRF token on every request."""
        client = self.client()
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password},
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    home = tmp_path_factory.mktemp("web-home")
    app = create_app(f"sqlite:///{home / 'zhida.sqlite3'}", secret=b"test-secret-" * 4)
    prepare(app)
    with serve(app) as running:
        yield running


def prepare(app) -> None:
    """The five seed documents ingested and one account per role (``ACCOUNTS``)."""
    results = ingest_paths(app.state.store, [config.SOURCES_DIR])
    assert [r.status for r in results] == ["new"] * 5, [r.error for r in results]
    for username, scope in ACCOUNTS.items():
        create_user(app.state.store, Actor("cli:test"), username=username, password=PASSWORD,
                    display_name=f"测试{username}", **scope)


@contextmanager
def serve(app):
    """``app`` served by uvicorn on a free loopback port until the block ends."""
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", app)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def clients(server):
    made = {name: server.login(name) for name in ACCOUNTS}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def seeded(server):
    """The test enterprises stored (``enterprise_seed.seed``; idempotent, so every module may ask)."""
    from .enterprise_seed import seed

    return seed(server.app)


@pytest.fixture
def anonymous(server):
    with server.client() as client:
        yield client
