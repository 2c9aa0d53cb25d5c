"""A synthetic population with the 梯度培育 indicators filled in (generated once per session)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhida.enterprises.generate import generate, write_parquet
from zhida.rules import load_policies

AS_OF = dt.date(2022, 12, 31)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/zt_registries"


@pytest.fixture(scope="session")
def policies():
    return load_policies()


def with_indicators(table: pa.Table, seed: int = 5) -> pa.Table:
    """Fill the registries' indicator facts (some unknown) so every status occurs."""
    rng = np.random.default_rng(seed)
    n = table.num_rows

    def put(name, values, typ):
        mask = rng.random(n) < 0.1  # unknown
        arr = pa.array([None if m else v for v, m in zip(values, mask)], type=typ)
        i = table.schema.get_field_index(name)
        return table.set_column(i, name, arr) if i >= 0 else table.append_column(name, arr)

    table = put("niche_market_years", [int(x) for x in rng.integers(0, 8, n)], pa.int64())
    table = put("main_business_revenue_share", [Decimal(int(x)) / 100 for x in rng.integers(40, 100, n)],
                pa.decimal128(24, 6))
    table = put("main_business_growth_2y", [Decimal(int(x)) / 100 for x in rng.integers(-10, 30, n)],
                pa.decimal128(24, 6))
    table = put("equity_financing_2y", [Decimal(int(x)) * 1_000_000 for x in rng.integers(0, 90, n)],
                pa.decimal128(18, 2))
    return table


@pytest.fixture(scope="session")
def population(tmp_path_factory):
    """2,000 enterprises as of 2022-12-31 with the indicators the 梯度培育 criteria read."""
    path = tmp_path_factory.mktemp("regpop") / "enterprises.parquet"
    write_parquet(generate(2000, 11, AS_OF), path)
    pq.write_table(with_indicators(pq.read_table(path)), path)
    return path


@pytest.fixture
def pg_url() -> str:
    import os

    import psycopg
    from sqlalchemy.engine import make_url

    url = os.environ.get("ZHIDA_TEST_DATABASE_URL") or DEFAULT_PG
    try:
        psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                        connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    return url
