"""The tables the code declares are the tables the migrations build: a model changed without a
migration (or the reverse) fails here, not on a user's database."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import zhida
from zhida.store import open_store
from zhida.store.schema import Base

# Declared in the migration only, on purpose: the model does not load web_users (mypolicies/seen.py).
KNOWN = {("remove_fk", "my_policies_seen")}


def _table_of(difference) -> str:
    item = difference[1] if isinstance(difference, tuple) else difference[0][1]
    table = getattr(item, "table", None)
    return getattr(table, "name", None) or getattr(item, "name", None) or str(item)


def test_every_declared_table_matches_the_migrated_schema(database_url):
    for module in pkgutil.walk_packages(zhida.__path__, "zhida."):
        if module.name.rsplit(".", 1)[-1] in {"tables", "seen"}:
            importlib.import_module(module.name)
    store = open_store(database_url)
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        store.close()
    unexpected = [d for d in differences
                  if not (isinstance(d, tuple) and (d[0], _table_of(d)) in KNOWN)]
    if unexpected:
        pytest.fail("模型与迁移不一致：" + "; ".join(repr(d)[:200] for d in unexpected))
