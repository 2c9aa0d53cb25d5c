"""Shared fixtures. ``database_url``: a fresh, empty store per test, on SQLite and PostgreSQL.

PostgreSQL runs only when ZHIDA_TEST_DATABASE_URL is set (postgresql+psycopg://…); each test
gets its own schema (via search_path), dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
        return
    base = os.environ.get("ZHIDA_TEST_DATABASE_URL")
    if not base:
        pytest.skip("ZHIDA_TEST_DATABASE_URL is not set")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
