"""A store with the five seed documents, on SQLite and PostgreSQL, and people of the units."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from zhida import config
from zhida.store import ingest_paths, open_store


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    role: str
    units: tuple[str, ...] = ()
    uscc: str | None = None


OFFICE = Person(1, "ducha", "staff", ("市政府督查室",))
ADMIN = Person(2, "admin", "admin")
JXJ = Person(3, "jxj", "staff", ("市经济和信息化局",))  # 市经济和信息化局 (000, 001)
GYJ = Person(4, "gyj", "staff", ("市工信局",))  # 忻州 市工信局 (003)
FGW = Person(5, "fgw", "staff", ("市发改委",))  # 忻州 市发改委 (003)
ENTERPRISE = Person(6, "qiye", "enterprise", (), "91110105MA01ABCD0X")


@pytest.fixture
def seeded(database_url, tmp_path, monkeypatch):
    import zhida.supervision.tables  # noqa: F401

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    opened = open_store(database_url)
    ingest_paths(opened, [config.sources_dir()])
    yield opened
    opened.close()
