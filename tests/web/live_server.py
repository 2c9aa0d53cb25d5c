"""A zhida web server in its own process (`zhida serve`), for tests that SIGKILL it and restart it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .conftest import PASSWORD, _free_port

SRC = Path(__file__).resolve().parents[2] / "src"


class LiveServer:
    def __init__(self, home: Path, database_url: str, **env: str):
        self.home, self.database_url = home, database_url
        self.env = {**os.environ, "ZHIDA_HOME": str(home), "ZHIDA_DATABASE_URL": database_url,
                    "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]), **env}
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> LiveServer:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = (self.home / f"server-{port}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from zhida.cli import main; main()", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {(self.home / f'server-{port}.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v1/auth/csrf", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as after an OOM kill or a power cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def login(self, username: str) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client
