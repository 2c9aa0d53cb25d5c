"""Waiting for an import job started by POST /api/v1/enterprises/import (202), or a batch job."""

from __future__ import annotations

import time


def _until_done(client, job: dict, path: str, timeout: float, pause: float) -> dict:
    """Poll ``path`` (formatted with the job's id) until the job is neither queued nor running."""
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(pause)
        job = client.get(path.format(id=job["id"])).json()
    return job


def finished_import(client, response, timeout: float = 120) -> dict:
    """The finished import job of a 202 answer (its ``summary`` once completed)."""
    assert response.status_code == 202, response.text
    return _until_done(client, response.json(), "/api/v1/enterprises/import-jobs/{id}", timeout, 0.1)


def finished_batch(client, timeout: float = 240) -> dict:
    """Start a batch job (POST /api/v1/jobs/batch) and wait for it: the completed job."""
    started = client.post("/api/v1/jobs/batch", json={})
    assert started.status_code == 202, started.text
    job = _until_done(client, started.json(), "/api/v1/jobs/{id}", timeout, 0.5)
    assert job["status"] == "completed", job
    return job


def seeded_batch(server, client, tmp_path_factory) -> dict:
    """The test enterprises stored and a batch over them completed (push lists, 工作台 have rows)."""
    from .enterprise_seed import seed

    seed(server.app)
    if server.app.state.jobs.out_dir is None:
        server.app.state.jobs.out_dir = tmp_path_factory.mktemp("batches")
    return finished_batch(client)
