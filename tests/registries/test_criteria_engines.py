"""A registry's criteria computed on a population agree across DuckDB, PostgreSQL, Spark and the
scalar explainer (status, failing and undecidable conditions, open criteria left to the unit)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from zhida.batch.engines import DuckDBEngine, PostgresEngine, SparkEngine
from zhida.registries import candidates, criteria
from zhida.registries.definition import load_registries
from zhida.registries.scan import Scan

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
    members = _members(population)  # the candidate list: PostgreSQL's long results = DuckDB's one pass
    on_pg = candidates.compute(ladder, AS_OF, population, policies, members, PostgresEngine(pg_url), tmp_path / "pgc")
    on_duck = candidates.compute(ladder, AS_OF, population, policies, members)
    assert sorted(on_pg, key=lambda c: c.uscc) == sorted(on_duck, key=lambda c: c.uscc) and len(on_duck) > 100


def _members(population) -> dict[str, str]:
    usccs = pq.read_table(population, columns=["uscc"]).column("uscc").to_pylist()
    return {u: ("innovative_sme", "srdi_sme", "little_giant")[i % 3] for i, u in enumerate(usccs[::10])}


def test_one_pass_candidates_and_member_verdicts_equal_the_engine_path(ladder, policies, population, tmp_path):
    """registries.scan (one DuckDB query over the facts) gives the list and the members' verdicts the
    general path gives (engine run → long results → candidate query), row for row."""
    members = _members(population)
    run = criteria.execute(ladder, AS_OF, population, policies, DuckDBEngine(), tmp_path)
    general = candidates.table(ladder, run, members)
    with Scan(ladder, AS_OF, population, policies, members) as scan:
        fast = scan.candidates()
        verdicts = scan.member_verdicts()
    assert sorted(fast.to_pylist(), key=lambda r: r["uscc"]) == general.to_pylist()  # general: by USCC
    tiers = {c.tier for c in candidates.CandidateList(fast, scan.tiers)}
    assert len(fast) > 100 and tiers == {"innovative_sme", "srdi_sme", "little_giant"}, tiers
    assert set(verdicts) == set(run.verdicts(list(members))) and len(verdicts) > 300
