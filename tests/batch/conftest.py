"""A small synthetic population shared by the batch tests (generated once per session)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from zhida.enterprises.generate import generate, write_parquet
from zhida.rules import load_policies

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(scope="session")
def policies():
    return load_policies()


@pytest.fixture(scope="session")
def population(tmp_path_factory):
    """2,000 enterprises (Beijing districts, 经开区, 忻州), facts as of 2022-12-31."""
    path = tmp_path_factory.mktemp("pop") / "enterprises.parquet"
    return write_parquet(generate(2000, 11, AS_OF), path)


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/zhida_test"  # the Makefile's PG_URL


@pytest.fixture
def pg_url() -> str:
    """ZHIDA_TEST_DATABASE_URL (or the Makefile's); the test is skipped if it is not reachable."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = os.environ.get("ZHIDA_TEST_DATABASE_URL") or DEFAULT_PG
    try:
        psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                        connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    return url
