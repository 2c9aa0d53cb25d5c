"""Desk staff accounts for the web tests (made once per server; idempotent)."""

from __future__ import annotations

from zhida.web.auth import Actor, create_user

DESK_STAFF = {
    "desk_line": ("涉企专席坐席", ["涉企专席"]),
    "desk_tax": ("市税务局专员", ["市税务局"]),
    "desk_fin": ("市财政局专员", ["市财政局"]),
    "desk_super": ("市政务服务局督办", ["市政务服务局"]),
}


def make_desk_staff(server) -> None:
    for username, (name, units) in DESK_STAFF.items():
        try:
            create_user(server.app.state.store, Actor("cli:test"), username=username, password="correct-horse-9",
                        display_name=name, role="staff", units=units)
        except Exception:  # noqa: BLE001 - made by an earlier module of this session
            pass
