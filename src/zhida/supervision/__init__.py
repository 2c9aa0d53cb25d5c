"""Supervision (督办): every task of every ingested document followed to done.

``draft`` reads a document (``source``) and drafts its tasks — units (``assign``), deadline
(``deadlines``), targets (``targets``); ``tasks`` keeps them and lets the office confirm or edit;
``reports`` takes the units' progress reports per cycle (``cycles``) with ``evidence`` and lets the
clock escalate; ``status`` colours a task, ``views`` builds the matrix, the per-document and
per-unit figures and the 综合绩效评价 score; ``export`` writes the monthly 督办 report. Task and
report states live in declared workflows (``data/*.workflow.yaml``, zhida.workflow)."""
