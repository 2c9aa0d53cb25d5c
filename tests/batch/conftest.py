"""A small synthetic population shared by the batch tests (generated once per session)."""

from __future__ import annotations

import datetime as dt

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
