"""The staged batch query gives the scalar evaluator's answers, on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import os
import shutil

import pyarrow.parquet as pq
import pytest

from zhida.batch.engines import DuckDBEngine, PostgresEngine, SparkEngine
from zhida.matching.evaluator import compiled, evaluate_measure, new_evaluator
from zhida.rules.engine import run_duckdb

from .conftest import AS_OF

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/zhida_test"  # the Makefile's PG_URL


def _run(engine, policies, population, out):
    engine.run(policies, list(policies.measures.values()), AS_OF, population, out)
    return pq.read_table(out).sort_by("uscc")


def _bits(mask, ids):
    return [c for i, c in enumerate(ids) if int(mask or 0) >> i & 1]


def test_duckdb_batch_agrees_with_the_scalar_evaluator(policies, population, tmp_path):
    results = _run(DuckDBEngine(), policies, population, tmp_path / "r.parquet")
    facts = pq.read_table(population).sort_by("uscc")
    assert results.column("uscc").to_pylist() == facts.column("uscc").to_pylist()
    cat = policies.catalogue.facts
    checked = eligible = 0
    sample = {}
    for i in range(0, facts.num_rows, 13):  # ~150 enterprises, every measure
        row = facts.slice(i, 1).to_pylist()[0]
        values = {name: row.get(f.column) for name, f in cat.items()}
        sample[row["uscc"]] = (values, results.slice(i, 1).to_pylist()[0])
        ev = new_evaluator(values, AS_OF, policies)
        out = sample[row["uscc"]][1]
        for m in policies.measures.values():
            got = evaluate_measure(compiled(m, policies), ev)
            ids = [c.id for c in m.conditions]
            assert out[f"{m.id}:status"] == got.status, (row["uscc"], m.id)
            assert out[f"{m.id}:amount"] == got.amount, (row["uscc"], m.id)
            if got.status != "not_applicable":  # (the scalar matcher does not report conditions there)
                assert _bits(out[f"{m.id}:failing"], ids) == [c for c, v in zip(ids, got.conditions) if v is False]
                assert _bits(out[f"{m.id}:unknown"], ids) == [c for c, v in zip(ids, got.conditions) if v is None]
            checked += 1
            eligible += got.status == "eligible"
    assert checked > 10_000 and eligible > 500  # the sample exercises real eligibility, not only n/a

    # and every column equals the rules engine's own (unstaged) query on the same rows
    reference = run_duckdb(list(policies.measures.values()),
                           [{**values, "enterprise_id": u} for u, (values, _) in sample.items()], AS_OF, policies)
    for u, (_, out) in sample.items():
        for m in policies.measures.values():
            ref = reference[u][m.id]
            ids = [c.id for c in m.conditions]
            assert (out[f"{m.id}:status"], out[f"{m.id}:amount"]) == (ref.status, ref.amount)
            assert (_bits(out[f"{m.id}:failing"], ids), _bits(out[f"{m.id}:unknown"], ids)) == (ref.failing, ref.unknown)


@pytest.mark.spark
def test_three_engines_give_identical_results(policies, population, tmp_path):
    """One population through DuckDB, PostgreSQL and Spark (local[2]): every pair identical."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = os.environ.get("ZHIDA_TEST_DATABASE_URL") or DEFAULT_PG
    try:
        psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                        connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    duck = _run(DuckDBEngine(), policies, population, tmp_path / "duck.parquet")
    pg = _run(PostgresEngine(url), policies, population, tmp_path / "pg.parquet")
    spark_out = tmp_path / "spark.parquet"
    shutil.rmtree(spark_out, ignore_errors=True)
    spark = _run(SparkEngine(), policies, population, spark_out)
    assert duck.num_rows == pg.num_rows == spark.num_rows == 2000
    measure_columns = [c for c in duck.column_names if ":" in c]
    assert len(measure_columns) >= 4 * len(policies.measures)
    for other, name in ((pg, "postgres"), (spark, "spark")):
        assert other.column_names == duck.column_names, name
        for column in duck.column_names:
            assert other.column(column).to_pylist() == duck.column(column).to_pylist(), (name, column)
    statuses = set(duck.column(measure_columns[0]).to_pylist())
    assert {"eligible", "not_applicable"} <= {s for c in measure_columns if c.endswith(":status")
                                              for s in duck.column(c).to_pylist()} and statuses
