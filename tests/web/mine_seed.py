"""An enterprise of its own and its user for the 我的政策 tests (page and browser), so that
their fact edits change no other test's enterprise."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from zhida.enterprises.tables import Enterprise
from zhida.web.auth import Actor, create_user
from zhida.web.enterprise_data import lifted_columns

from .conftest import PASSWORD, make_uscc
from .enterprise_seed import example, seed


def mine_user(app, name: str, body17: str, label: str) -> str:
    """Store an enterprise (朝阳区 manufacturer, the worked example) named with ``label`` and its
    enterprise user ``name``; idempotent."""
    seed(app)
    made = app.state.__dict__.setdefault("mine_users", {})
    if name in made:
        return made[name]
    uscc = make_uscc(body17)
    profile = example("industrial_sme_equipment_2022.json", uscc=uscc, region_code="110105",
                      name=f"北京朝阳{label}精密机械有限公司")
    with app.state.store.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": uscc,
                                              "created_at": dt.datetime.now(dt.UTC)}])
    create_user(app.state.store, Actor("cli:test"), username=name, password=PASSWORD, role="enterprise", uscc=uscc,
                display_name=f"{label}企业用户")
    made[name] = uscc
    return uscc
