"""Bulk store of a generated population: the same rows the importer's per-profile path would store."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select

from zhida.enterprises.generate import generate, row_to_profile, store_population
from zhida.enterprises.importer import _enterprise_row
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.store import open_store

AS_OF = dt.date(2022, 12, 31)
COLUMNS = ("uscc", "name", "region_code", "special_zone", "industry_code", "entity_type", "size_class",
           "size_class_year", "schema_version", "profile_json", "import_id", "source_row")


def test_bulk_store_equals_the_per_profile_rows(database_url):
    population = generate(2_000, 31, AS_OF)
    store = open_store(database_url)
    try:
        assert store_population(population, store, batch_size=700) == (2_000, 0)
        with store.transaction() as session:
            stored = {e.uscc: {c: getattr(e, c) for c in COLUMNS} for e in session.scalars(select(Enterprise))}
    finally:
        store.close()
    assert len(stored) == 2_000
    now = dt.datetime.now(dt.UTC)
    for row in population.table.to_pylist():
        profile = row_to_profile(row, AS_OF)  # validated by pydantic, as an import would
        expected = _enterprise_row(profile, None, None, now)
        got = stored[row["uscc"]]
        assert got == {c: expected[c] for c in COLUMNS}, row["uscc"]
        assert EnterpriseProfile.model_validate(got["profile_json"]) == profile
    sizes = Counter(r["size_class"] for r in stored.values())
    assert set(sizes) == {None, "large", "medium", "small", "micro"}
    assert sizes["micro"] > sizes["small"] > sizes["medium"]
    assert {r["size_class_year"] for r in stored.values()} == {None, 2021}


def test_existing_enterprises_are_skipped_and_the_rest_stored(database_url):
    population = generate(500, 32, AS_OF)
    store = open_store(database_url)
    try:
        first = population.table.take(list(range(0, 500, 3)))
        assert store_population(type(population)(first, AS_OF, 32), store) == (167, 0)
        assert store_population(population, store, batch_size=200) == (333, 167)
        with store.transaction() as session:
            stored = dict(session.execute(select(Enterprise.uscc, Enterprise.size_class)).all())
    finally:
        store.close()
    assert sorted(stored) == sorted(population.table["uscc"].to_pylist())
    for row in population.table.to_pylist()[:60]:  # size class at the right row after the skips
        assert stored[row["uscc"]] == _enterprise_row(row_to_profile(row, AS_OF), None, None, None)["size_class"]
