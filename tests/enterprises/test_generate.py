"""`zhida generate`: reproducible, valid, realistic enough to exercise every status."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from stdnum.cn import uscc as stdnum_uscc

from zhida.enterprises import facts, industries, regions, uscc
from zhida.enterprises.generate import generate, store_population, write_parquet
from zhida.enterprises.tables import Enterprise
from zhida.rules import period_parts, periods
from zhida.store import open_store

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def population():
    return generate(20_000, 42, AS_OF)


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    a = write_parquet(generate(3_000, 5, AS_OF), tmp_path / "a.parquet").read_bytes()
    b = write_parquet(generate(3_000, 5, AS_OF), tmp_path / "b.parquet").read_bytes()
    c = write_parquet(generate(3_000, 6, AS_OF), tmp_path / "c.parquet").read_bytes()
    assert a == b
    assert a != c


def test_columns_are_the_catalogue_facts(population, tmp_path):
    path = write_parquet(population, tmp_path / "p.parquet")
    table = pq.read_table(path)
    # the catalogue's columns, then the VAT window's months and quarters (its figure is given by
    # them for some enterprises: rules/period_parts.py)
    parts = [f for f in table.schema if f.name not in facts.arrow_schema().names]
    window = periods.parse_period("2022-04-01..2022-12-31")
    assert {f.name for f in parts} == {facts.catalogue().get(n).column
                                       for n in period_parts.part_names("small_scale_sales_at_3pct", window)}
    assert {f.type for f in parts} == {facts.MONEY} and len(parts) == 12
    assert table.schema.remove_metadata() == facts.arrow_schema(extra=parts)
    assert table.schema.metadata[b"zhida.as_of"] == b"2022-12-31"
    assert table.num_rows == 20_000


def test_every_code_is_valid_and_known(population):
    t = population.table
    codes = t["uscc"].to_pylist()
    assert len(set(codes)) == len(codes)
    assert all(uscc.is_valid(c) for c in codes)
    assert all(stdnum_uscc.is_valid(c) for c in codes[:2000])
    region_values = set(t["region_code"].to_pylist())
    assert region_values <= set(regions.divisions())
    # Beijing's 16 districts and all 14 of 忻州's county-level divisions occur; the USCC carries the region
    assert {d.code for d in regions.county_level()} <= region_values
    assert all(c[2:8] == r for c, r in zip(codes[:5000], t["region_code"].to_pylist()[:5000], strict=True))
    assert all(industries.normalize(c)[1:] == c for c in set(t["industry_code"].to_pylist()))
    assert set(t["special_zone"].to_pylist()) == {"none", "bda"}


def test_distributions_are_plausible(population):
    t = population.table
    employees = t["employees"]
    known = employees.drop_null().to_numpy()
    assert 0.03 < employees.null_count / len(t) < 0.1  # some unknowns, so 'undetermined' occurs
    assert (known < 20).mean() > 0.8  # mostly micro
    assert known.max() >= 1000  # heavy tail: some large ones
    counts = {v["values"]: v["counts"] for v in pc.value_counts(t["entity_type"]).to_pylist()}
    assert counts["enterprise"] > counts["individual_business"] > 0
    for column in ("high_tech_enterprise", "tech_sme"):
        share = pc.sum(t[column]).as_py() / len(t)
        assert 0.001 < share < 0.1
    assert pc.count(t["equipment_purchase__date"]).as_py() > 100
    assert pc.count(t["first_set_purchase__date"]).as_py() > 5
    assert pc.count(t["rent_relief__date"]).as_py() > 50
    assert pc.count(t["listing__date"]).as_py() >= 1
    big = pc.greater_equal(t["equipment_purchase__unit_value"], 5_000_000)
    assert pc.sum(big).as_py() > 0  # some purchases reach the 500万 line of measure 000
    assert pc.min(t["equipment_purchase__date"]).as_py() >= dt.date(2022, 1, 1)
    assert pc.max(t["equipment_purchase__date"]).as_py() <= AS_OF
    # money is exact decimal, not float
    assert str(t["revenue"].type) == "decimal128(18, 2)"


def test_store_loads_profiles_whose_facts_match_the_file(database_url):
    population = generate(300, 9, AS_OF)
    store = open_store(database_url)
    try:
        assert store_population(population, store) == (300, 0)
        assert store_population(population, store) == (0, 300)  # nothing duplicated
        with store.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Enterprise)) == 300
            first = session.scalars(select(Enterprise).where(Enterprise.uscc == population.table["uscc"][0].as_py())).one()
            from zhida.enterprises.profile import EnterpriseProfile

            profile = EnterpriseProfile.model_validate(first.profile_json)
    finally:
        store.close()
    row = population.table.slice(0, 1).to_pylist()[0]
    from_profile = facts.profile_to_facts(profile, AS_OF)
    for name, fact in facts.catalogue().facts.items():
        assert from_profile[name] == row[fact.column], name
