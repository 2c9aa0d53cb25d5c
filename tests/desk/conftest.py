"""A store with the five seed documents (SQLite, one per test module) and one stored enterprise."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.enterprises.uscc import check_char
from zhida.store import ingest_paths, open_store

USCC = "91110105MA01ABCD0" + check_char("91110105MA01ABCD0")
AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = open_store(f"sqlite:///{tmp_path_factory.mktemp('desk') / 'zhida.sqlite3'}")
    ingest_paths(opened, [config.sources_dir()])
    from zhida.web.enterprise_data import lifted_columns

    data = json.loads((config.PROJECT_ROOT / "docs/examples/profiles/industrial_sme_equipment_2022.json").read_text())
    data.update(uscc=USCC, region_code="110105", name="北京朝阳博远精密机械有限公司")
    profile = EnterpriseProfile.model_validate(data)
    with opened.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": USCC,
                                              "created_at": dt.datetime.now(dt.UTC)}])
    yield opened
    opened.close()


@pytest.fixture
def chain_store(database_url):
    """An empty store per test, on SQLite and PostgreSQL (the request chain needs no documents)."""
    import zhida.desk.tables  # noqa: F401

    opened = open_store(database_url)
    yield opened
    opened.close()
