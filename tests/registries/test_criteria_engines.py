"""A registry's criteria computed on a population agree across DuckDB, PostgreSQL, Spark and the
scalar explainer (status, failing and undecidable conditions, open criteria left to the unit)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from zhida.batch.engines import DuckDBEngine, PostgresEngine, SparkEngine
from zhida.registries import criteria
from zhida.registries.definition import load_registries

from .conftest import AS_OF


@pytest.fixture(scope="module")
def ladder(policies):
    return load_registries(policies)["srdi-ladder"]


def _verdicts(engine, reg, policies, population, tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    found, _ = criteria.run(reg, AS_OF, population, policies, engine, tmp_path)
    return {(v.uscc, v.tier): v for v in found}


def test_duckdb_agrees_with_the_scalar_explainer(ladder, policies, population, tmp_path):
    duck = _verdicts(DuckDBEngine(), ladder, policies, population, tmp_path)
    statuses = {v.status for v in duck.values()}
    assert statuses == {"eligible", "ineligible", "undetermined"}, statuses
    facts = pq.read_table(population)
    cat = policies.catalogue.facts
    checked = eligible = 0
    for i in range(0, facts.num_rows, 7):
        row = facts.slice(i, 1).to_pylist()[0]
        values = {name: row.get(f.column) for name, f in cat.items()}
        for tier, result in criteria.scalar(ladder, AS_OF, values, policies).items():
            got = duck.get((row["uscc"], tier))
            if result.status == "not_applicable":
                assert got is None, (row["uscc"], tier)
                continue
            assert got is not None and got.status == result.status, (row["uscc"], tier, result.reasons)
            labels = {c.id: c.label for c in ladder.tier(tier).criteria[0].measure.conditions}
            assert got.failing == tuple(labels[c] for c in result.failing)
            assert got.unknown == tuple(labels[c.id] for c in result.conditions if c.outcome is None)
            assert set(got.pending) == {o["label"] for o in result.open_criteria}
            checked += 1
            eligible += result.status == "eligible"
    assert checked > 300 and eligible > 20, (checked, eligible)


@pytest.mark.spark
@pytest.mark.postgres
def test_duckdb_postgres_and_spark_agree(ladder, policies, population, tmp_path, pg_url):
    duck = _verdicts(DuckDBEngine(), ladder, policies, population, tmp_path / "duck")
    pg = _verdicts(PostgresEngine(pg_url), ladder, policies, population, tmp_path / "pg")
    spark = _verdicts(SparkEngine(), ladder, policies, population, tmp_path / "spark")
    assert len(duck) > 2000
    assert pg == duck
    assert spark == duck
