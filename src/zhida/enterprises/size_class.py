"""The size class 大/中/小/微 — derived from the figures, never typed in.

The one place that asks the rules package for the 中小企业划型 concept ``size_class_300``
(工信部联企业〔2011〕300号, policies/concepts/enterprise_size.yaml). Two ways, one definition:

* many enterprises at once (import batches, generated populations): the concept compiled to SQL
  by the rules DuckDB back end and run in ONE query over an Arrow table (``size_classes``);
* one profile (API/UI edits): matching's compiled scalar evaluator (``derive_size_class``).

Both have the rules engine's Kleene semantics, so a missing figure that matters gives None.
There is no second hand-written copy of the 300号 table here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache

import pyarrow as pa

from zhida.errors import RuleError

CONCEPT = "size_class_300"
SIZE_CLASSES = ("large", "medium", "small", "micro")
SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
INPUTS = ("industry_code", "employees", "revenue", "total_assets")  # catalogue facts = column names
_KEY = "zhida_row"
_SECTION_LETTERS = "ABCDEFGHIJKLMNOPQRST"
# The concept does not read as_of (checked in _compiled_sql); any date compiles the same SQL.
_COMPILE_DATE = dt.date(2000, 1, 1)


@cache
def _policies():
    # The process's one copy (loaded once, under a lock): not a second load of its own — under
    # concurrent first fact edits each request thread loaded the whole policy set again.
    from zhida.matching.match import load_default_policies

    policies = load_default_policies()
    if CONCEPT not in policies.concepts:
        raise RuleError(f"concept {CONCEPT}", "not defined in policies/concepts (needed to derive the size class)")
    return policies


def industry_digits(industry_code: str | None) -> str | None:
    """The catalogue's industry_code fact is the GB/T 4754 digits, without the 门类 letter."""
    return (industry_code or "").lstrip(_SECTION_LETTERS) or None


def derive_size_class(industry_code: str | None, employees: int | None, revenue: Decimal | None,
                      total_assets: Decimal | None, as_of: dt.date | None = None) -> str | None:
    """large / medium / small / micro, or None when the figures given cannot decide it.

    industry_code: GB/T 4754-2017, with or without the 门类 letter; money in yuan.
    One profile: the matching package's compiled evaluator (closures, no SQL-text trace).
    """
    from zhida.matching.evaluator import new_evaluator

    facts = {"industry_code": industry_digits(industry_code), "employees": employees, "revenue": revenue,
             "total_assets": total_assets}
    return new_evaluator(facts, as_of or dt.date.today(), _policies(), strict=True).lookup(CONCEPT)


@cache
def _compiled_sql() -> str:
    """SELECT <key>, size class FROM the relation ``facts``, as the rules DuckDB back end compiles it."""
    from zhida.matching.evaluator import concept_inputs
    from zhida.rules.sql import CONCEPT_PREFIX, DuckDBBackend

    policies = _policies()
    reads, reads_as_of = concept_inputs(policies)[CONCEPT]
    if reads_as_of or not set(reads) <= set(INPUTS):
        raise RuleError(f"concept {CONCEPT}", f"reads {sorted(reads)}{' and as_of' if reads_as_of else ''}; "
                        f"the size class is derived from {', '.join(INPUTS)} only")
    backend = DuckDBBackend(policies)
    inner = backend.compile_concepts([CONCEPT], "facts", _COMPILE_DATE, key=_KEY)
    return (f"SELECT {backend.quote(CONCEPT_PREFIX + CONCEPT)} AS size_class "
            f"FROM ({inner}) AS sized ORDER BY {backend.quote(_KEY)}")


def size_classes_of_table(table: pa.Table) -> list[str | None]:
    """The size class of every row of an Arrow table with the INPUTS columns (catalogue types:
    industry_code as digits, money as decimals in yuan), in row order, in one DuckDB query."""
    import duckdb

    missing = [c for c in INPUTS if c not in table.column_names]
    if missing:
        raise RuleError(f"concept {CONCEPT}", f"facts table lacks column(s) {', '.join(missing)}")
    facts = pa.table({_KEY: pa.array(range(table.num_rows), pa.int64()),  # noqa: F841 - DuckDB reads it by name
                      **{c: table[c] for c in INPUTS}})
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")  # no bar on the demo console
        return [row[0] for row in con.execute(_compiled_sql()).fetchall()]


_ARROW_INPUTS = pa.schema([("industry_code", pa.string()), ("employees", pa.int64()),
                           ("revenue", pa.decimal128(20, 2)), ("total_assets", pa.decimal128(20, 2))])


def size_classes(figures: Sequence[tuple[str | None, int | None, Decimal | None, Decimal | None]]
                 ) -> list[str | None]:
    """Set-based derive_size_class: (industry_code, employees, revenue, total_assets) per
    enterprise → size classes, in order, in one DuckDB query."""
    if not figures:
        return []
    industry, employees, revenue, assets = zip(*figures, strict=True)
    table = pa.table([pa.array([industry_digits(c) for c in industry], pa.string()),
                      pa.array(employees, pa.int64()), pa.array(revenue, pa.decimal128(20, 2)),
                      pa.array(assets, pa.decimal128(20, 2))], schema=_ARROW_INPUTS)
    return size_classes_of_table(table)
