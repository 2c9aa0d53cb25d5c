"""Supervision accounts for the web tests (made once per server; idempotent): the 督查室's staff."""

from __future__ import annotations

from zhida.web.auth import Actor, create_user

SV_STAFF = {
    "sv_office": ("督查室专员", ["市政府督查室"]),
    "sv_ghzr": ("市规划自然资源委专员", ["市规划自然资源委"]),
}


def make_supervision_staff(server) -> None:
    for username, (name, units) in SV_STAFF.items():
        try:
            create_user(server.app.state.store, Actor("cli:test"), username=username, password="correct-horse-9",
                        display_name=name, role="staff", units=units)
        except Exception:  # noqa: BLE001 - made by an earlier module of this session
            pass


def drafted(server, client, document: str) -> list[int]:
    """The document's tasks drafted (by the office's client); their ids, drafted now or before."""
    assert client.post("/api/v1/tasks/draft", json={"document": document}).status_code == 200
    items = client.get("/api/v1/tasks", params={"document": document, "per_page": 500}).json()["items"]
    return [t["id"] for t in items]
