"""All enterprises × all measures: batch runs, push lists (精准推送名单) and microsimulation.

One compiled query per run (``staged.py``) on DuckDB (default), PostgreSQL or Spark
(``engines.py``); results as Parquet in a run directory that appears only when complete
(``runner.py``), summarised in the store (``tables.py``).
"""
