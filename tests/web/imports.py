"""Waiting for an import job started by POST /api/v1/enterprises/import (202)."""

from __future__ import annotations

import time


def finished_import(client, response, timeout: float = 120) -> dict:
    """The finished import job of a 202 answer (its ``summary`` once completed)."""
    assert response.status_code == 202, response.text
    job = response.json()
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/api/v1/enterprises/import-jobs/{job['id']}").json()
    return job
