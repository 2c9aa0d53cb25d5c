"""Accounts of the project-library and 融资对接 web tests (made once per server; idempotent)."""

from __future__ import annotations

from zhida.web.auth import Actor, create_user

from .conftest import PASSWORD

PROJECT_STAFF = {
    "cy_invest": ("朝阳区投资促进局专员", {"role": "staff", "units": ["朝阳区投资促进局"], "region": "朝阳区"}),
    "hd_invest": ("海淀区投资促进局专员", {"role": "staff", "units": ["海淀区投资促进局"], "region": "海淀区"}),
    "bank_bj": ("北京银行客户经理", {"role": "staff", "units": ["北京银行"]}),
    "bank_icbc": ("工商银行客户经理", {"role": "staff", "units": ["中国工商银行北京市分行"]}),
}


def make_project_staff(server) -> None:
    for username, (name, scope) in PROJECT_STAFF.items():
        try:
            create_user(server.app.state.store, Actor("cli:test"), username=username, password=PASSWORD,
                        display_name=name, **scope)
        except Exception:  # noqa: BLE001 - made by an earlier module of this session
            pass
