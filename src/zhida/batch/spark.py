"""Spark: the path beyond one machine. Same staged query, Spark SQL dialect (sqlglot).

Local mode by default (``local[2]``: two cores, two shuffle partitions, no UI, bound to
127.0.0.1, so nothing listens on the network). For a cluster pass ``--spark-master``
(``spark://host:7077``, ``yarn``, ``k8s://…``) and Parquet on shared storage (``s3a://…``,
``hdfs://…``, an NFS path every executor sees); extra settings with ``--spark-conf KEY=VALUE``.
See docs/batch.md.
"""

from __future__ import annotations

import os
from datetime import date

LOCAL_MASTER = "local[2]"


def local_conf() -> dict[str, str]:
    return {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": "2g",
    }


def session(master: str | None = None, conf: dict[str, str] | None = None):
    """A SparkSession (reused if one is running with the same master; one with another master is
    stopped first: a JVM holds one SparkContext)."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get("ZHIDA_SPARK_MASTER") or LOCAL_MASTER
    running = SparkSession.getActiveSession() or getattr(SparkSession, "_instantiatedSession", None)
    if running is not None and running.sparkContext.master != master:
        running.stop()
    builder = SparkSession.builder.master(master).appName("zhida-batch")
    settings = {"spark.sql.session.timeZone": "UTC",  # DATE values never shift, on any cluster
                **(local_conf() if master.startswith("local") else {}), **(conf or {})}
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def facts_frame(spark, policies, path: str, as_of: date):
    """The input Parquet with every catalogue fact present (absent facts: typed NULL columns); a
    period column the input gives months or quarters for completed from them (rules/period_parts.py)."""
    from pyspark.sql import functions as F

    from zhida.rules.period_parts import completions
    from zhida.rules.sql import SQL_TYPES

    def spark_type(fact) -> str:
        return SQL_TYPES[fact.type].replace("VARCHAR", "STRING")

    frame = spark.read.parquet(path)
    derived = completions(policies.catalogue, set(frame.columns), as_of, quote="`", cast=spark_type)
    frame = frame.withColumns({c: F.expr(sql) for c, sql in derived.items()}) if derived else frame
    for fact in policies.catalogue.facts.values():
        if fact.column not in frame.columns:
            frame = frame.withColumn(fact.column, F.lit(None).cast(spark_type(fact)))
    return frame


def _judged(frame, measures) -> tuple[str, ...]:
    """As engines.judged_in_input, counted by Spark (the input may be on a cluster's storage)."""
    from pyspark.sql import functions as F

    from zhida.rules.sql import judgement_column

    wanted = {judgement_column(o.id): o.id for m in measures for o in m.open_criteria}
    cols = [c for c in frame.columns if c in wanted]
    if not cols:
        return ()
    counts = frame.select(*[F.count(F.col(c)) for c in cols]).first()
    return tuple(sorted(wanted[c] for c, n in zip(cols, counts) if n))


def run_spark(engine, policies, measures, as_of: date, input_path: str, out: str, progress=None,
              enterprises_out: str | None = None) -> int:
    from zhida.batch.engines import CARRY, FACTS_VIEW, KEY

    spark = session(engine.master, engine.conf)
    frame = facts_frame(spark, policies, input_path, as_of)
    if KEY not in frame.columns:
        from zhida.errors import DataError

        raise DataError(input_path, "no 'uscc' column: expected the facts layout of `zhida generate`")
    frame.createOrReplaceTempView(FACTS_VIEW)
    carry = tuple(c for c in CARRY if c in frame.columns)
    compiled = engine.compile(policies, measures, as_of, (), judged=_judged(frame, measures), layout=True)
    result = spark.sql(compiled.sql)  # the packed layout (packed.py), as DuckDB writes it
    if progress:
        progress(0.05)
    if enterprises_out:
        frame.select(KEY, *carry).write.mode("errorifexists").parquet(enterprises_out)
    result.write.mode("errorifexists").parquet(out)
    if progress:
        progress(1.0)
    return spark.read.parquet(enterprises_out).count() if enterprises_out else frame.count()
