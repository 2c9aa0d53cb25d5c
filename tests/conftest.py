"""Shared fixtures. ``database_url``: a fresh, empty store per test, on SQLite and PostgreSQL.

PostgreSQL runs only when ZHIDA_TEST_DATABASE_URL is set (postgresql+psycopg://…); each test
gets its own schema (via search_path), dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
        return
    with postgres_schema_url() as url:
        yield url


@contextmanager
def postgres_schema_url():
    """A URL of ZHIDA_TEST_DATABASE_URL confined to a new schema, dropped afterwards (skips if unset)."""
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


@pytest.fixture(scope="module")
def postgres_module_url():
    """One PostgreSQL schema for a whole test module (a server started once, many requests)."""
    with postgres_schema_url() as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def search_indexes_in_temp(tmp_path_factory):
    """PostgreSQL stores keep their search index in ZHIDA_SEARCH_DIR (default: the project's var/)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHIDA_SEARCH_DIR", str(tmp_path_factory.mktemp("search")))
        yield
