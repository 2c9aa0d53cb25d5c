from __future__ import annotations

import pytest
from sqlalchemy import update

from zhida.store.database import open_store
from zhida.web import auth
from zhida.web.tables import User

ADMIN = auth.Actor("测试", None)
USCC_A = "91110105MA01ABCD5F"
USCC_B = "91110108MA02WXY18X"
PASSWORD = "Zhida-Test-2026!"


def make_user(store, username, role, *, uscc=None, units=None, region=None, email=None) -> int:
    user = auth.create_user(store, ADMIN, username=username, password=PASSWORD, role=role, uscc=uscc,
                            units=units, region=region)
    if email:
        with store.transaction() as session:
            session.execute(update(User).where(User.id == user["id"]).values(email=email))
    return user["id"]


@pytest.fixture
def store(database_url):
    store = open_store(database_url)
    yield store
    store.close()
