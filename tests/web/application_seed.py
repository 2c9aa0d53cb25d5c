"""The applications' web tests: the 忻州 manufacturer of the worked example (首台套 subsidy 28万元,
routed to 市工信局, paid by 市财政局) with its enterprise user, and the two units' staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from zhida.enterprises.tables import Enterprise
from zhida.web.auth import Actor, create_user
from zhida.web.enterprise_data import lifted_columns

from .conftest import make_uscc
from .enterprise_seed import example, seed

MEASURE = "xz2022.first-set-equipment-subsidy"


def applicant(app, name: str, body17: str, label: str, **users: dict) -> str:
    """Store a 忻州 manufacturer named with ``label``, its enterprise user ``name`` and the staff
    ``users`` ({username: {units, region}}); idempotent per ``name``."""
    seed(app)  # as_of 2022-12-31 and the shared test enterprises
    made = app.state.__dict__.setdefault("application_users", {})
    if name in made:
        return made[name]
    uscc = make_uscc(body17)
    profile = example("xinzhou_manufacturer_first_set.json", uscc=uscc, name=f"忻州{label}装备制造有限公司")
    with app.state.store.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": uscc,
                                              "created_at": dt.datetime.now(dt.UTC)}])
    from .conftest import PASSWORD

    create_user(app.state.store, Actor("cli:test"), username=name, password=PASSWORD, role="enterprise", uscc=uscc,
                display_name=f"{label}企业用户")
    for username, scope in users.items():
        create_user(app.state.store, Actor("cli:test"), username=username, password=PASSWORD, role="staff",
                    display_name=f"{label}{'、'.join(scope['units'])}", **scope)
    made[name] = uscc
    return uscc
