"""`zhida batch --engine spark --spark-master spark://…` on a real Spark standalone cluster (a master
and two workers started from the installed pyspark on this machine): every pair as DuckDB's."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from zhida.batch import spark_cluster
from zhida.batch.engines import DuckDBEngine, SparkEngine
from zhida.batch.runner import run_batch
from zhida.enterprises.generate import generate, write_parquet

from .test_engines import VAT_WINDOW_MEASURE, window_given_by_parts

AS_OF = dt.date(2022, 12, 31)


def _pairs(run) -> list[dict]:
    return sorted(run.pairs().to_pylist(), key=lambda r: (r["uscc"], r["measure"]))


def _measures(policies) -> list[str]:
    """A quarter of the measures (every 4th), plus every one that reads a fact for a period (the VAT
    window's months, earlier years): Spark's planning of all 161 takes minutes on a loaded 2-core
    machine; the three-engine test (test_engines.py) runs all of them in local mode."""
    from zhida.rules.expr import columns

    ids = list(policies.measures)
    periods = [m.id for m in policies.measures.values()
               if any("@" in n for node in [c.expanded for c in m.conditions]
                      + ([m.amount.expr] if m.amount is not None and m.amount.expr is not None else [])
                      for n in columns(node))]
    return list(dict.fromkeys(ids[::4] + periods))


@pytest.mark.spark
def test_standalone_cluster_gives_duckdbs_results(policies, tmp_path):
    facts = write_parquet(generate(400, 31, AS_OF), tmp_path / "facts.parquet")  # months and years included
    assert window_given_by_parts(pq.read_table(facts))
    measures = _measures(policies)
    assert VAT_WINDOW_MEASURE in measures and len(measures) > 30
    with spark_cluster.running(workers=2, cores=1, memory="768m") as cluster:
        assert cluster.alive_workers() == 2
        engine = SparkEngine(cluster.master_url, cluster.conf(executor_memory="512m"))
        spark_run = run_batch(AS_OF, tmp_path / "runs", input_path=facts, engine=engine, policies=policies,
                              measure_ids=measures, store_url=False, pushlists=False).run
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        assert session.sparkContext.master == cluster.master_url  # really the cluster, not local mode
        executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size()  # driver + executors
        session.stop()
    assert executors == 3
    duck_run = run_batch(AS_OF, tmp_path / "runs", input_path=facts, engine=DuckDBEngine(), policies=policies,
                         measure_ids=measures, store_url=False, pushlists=False).run
    assert spark_run.results.is_dir()  # part files written by the executors
    spark, duck = _pairs(spark_run), _pairs(duck_run)
    assert len(duck) > 400 * 5
    assert spark == duck  # every (enterprise, measure) pair: status, amount, upper, masks, open, least
    ids = lambda run: sorted(pq.read_table(run.enterprises).to_pylist(), key=lambda r: r["uscc"])  # noqa: E731
    assert ids(spark_run) == ids(duck_run)
    assert spark_run.manifest["totals"] == duck_run.manifest["totals"]
    vat = [m["id"] for m in duck_run.manifest["measures"]].index(VAT_WINDOW_MEASURE)
    assert any(r["measure"] == vat and r["amount"] is not None for r in spark)
