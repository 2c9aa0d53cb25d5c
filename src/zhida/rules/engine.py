"""Run compiled measures on DuckDB (in-process) or PostgreSQL and read results back."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhida.rules.expr import OPEN
from zhida.rules.model import Measure
from zhida.rules.sql import CompiledQuery, DuckDBBackend, PostgresBackend, judgement_column
from zhida.rules.values import judgement


@dataclass
class RowResult:
    status: str
    amount: Decimal | None
    failing: list[str]
    unknown: list[str]
    upper: Decimal | None = None
    open: list[str] = field(default_factory=list)  # open criterion ids the result depends on
    least: Decimal | None = None  # amount.sum_of_parts: amount unknown, the known parts' sum (a floor)


def _bits(mask: int | None, ids: list[str]) -> list[str]:
    if not mask:
        return []
    mask = int(mask)
    return [cid for i, cid in enumerate(ids) if mask >> i & 1]


def judged_ids(measures: list[Measure]) -> list[str]:
    """Open criterion ids of ``measures`` (one judgement column each, shared by equal ids)."""
    return sorted({o.id for m in measures for o in m.open_criteria})


def _prepare(rows: list[dict], policies, judgements=()) -> tuple[list[str], list[tuple]]:
    """Column names and typed rows; ``judgements``: open ids whose ``open.<id>`` row keys fill open__<id>."""
    facts = list(policies.catalogue.facts.values())
    names = ["enterprise_id", "as_of"] + [f.column for f in facts] + [judgement_column(j) for j in judgements]
    values = []
    for i, row in enumerate(rows):
        as_of = row.get("as_of")
        coerced = [str(row.get("enterprise_id", i)), date.fromisoformat(as_of) if isinstance(as_of, str) else as_of]
        for fact in facts:
            value = row.get(fact.name)
            coerced.append(None if value is None else policies.catalogue.check_value(fact.name, value))
        for j in judgements:
            key = f"{OPEN}.{j}"
            coerced.append(judgement(key, row.get(key)))
        values.append(tuple(coerced))
    return names, values


ARROW_TYPES = {"money": ("decimal", 20, 2), "integer": "int64", "decimal": ("decimal", 20, 6),
               "percent": ("decimal", 20, 6), "boolean": "bool_", "date": "date32", "code": "string", "text": "string"}


def arrow_table(rows: list[dict], policies, judgements=()):
    """Rows of facts as a typed Arrow table (exact decimals), columns in catalogue order."""
    import pyarrow as pa

    def arrow_type(t):
        spec = ARROW_TYPES[t]
        return pa.decimal128(spec[1], spec[2]) if isinstance(spec, tuple) else getattr(pa, spec)()

    names, values = _prepare(rows, policies, judgements)
    facts = list(policies.catalogue.facts.values())
    types = [pa.string(), pa.date32()] + [arrow_type(f.type) for f in facts] + [pa.bool_() for _ in judgements]
    arrays = [pa.array([v[i] for v in values], type=t) for i, t in enumerate(types)]
    return pa.Table.from_arrays(arrays, names=names)


def load_duckdb(con, rows: list[dict], policies, table: str = "zhida_facts", judgements=()) -> None:
    backend = DuckDBBackend(policies)
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(backend.create_table(table, judgements=judgements))
    if rows:
        data = arrow_table(rows, policies, judgements)  # noqa: F841 - DuckDB reads the local by name
        con.execute(f"INSERT INTO {table} SELECT * FROM data")


def read_results(compiled: CompiledQuery, records: list[dict]) -> dict[str, dict[str, RowResult]]:
    """enterprise id → measure id → RowResult."""
    out: dict[str, dict[str, RowResult]] = {}
    for rec in records:
        per = out.setdefault(str(rec["enterprise_id"]), {})
        for mid, cols in compiled.columns.items():
            per[mid] = RowResult(rec[cols["status"]], rec[cols["amount"]],
                                 _bits(rec[cols["failing"]], compiled.conditions[mid]),
                                 _bits(rec[cols["unknown"]], compiled.conditions[mid]),
                                 rec[cols["upper"]] if "upper" in cols else None,
                                 _bits(rec[cols["open"]], compiled.open_criteria[mid]) if "open" in cols else [],
                                 rec[cols["least"]] if "least" in cols else None)
    return out


# DuckDB turns each IN list into a MARK join (optimizer "in_clause"); with a hundred measures the
# plan becomes a deep chain of joins over wide rows and "projection_placement" then spends seconds
# on it, while executing takes milliseconds. Results do not depend on optimizers.
SLOW_OPTIMIZERS = ("in_clause", "projection_placement")


@contextmanager
def fast_planning(con):
    """Disable DuckDB optimizers that cost more than they save on wide rule queries; restore after."""
    before = con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0] or ""
    wanted = [o for o in before.split(",") if o.strip()]
    for name in SLOW_OPTIMIZERS:
        try:  # an optimizer this DuckDB version does not know is skipped
            con.execute(f"SET disabled_optimizers = '{','.join([*wanted, name])}'")
            wanted.append(name)
        except Exception:  # noqa: BLE001 - duckdb raises its own error types
            pass
    con.execute(f"SET disabled_optimizers = '{','.join(wanted)}'")
    try:
        yield con
    finally:
        con.execute(f"SET disabled_optimizers = '{before}'")


def run_duckdb(measures: list[Measure], rows: list[dict], as_of: date | None, policies, con=None):
    """Evaluate ``measures`` for ``rows`` (fact dicts) in one DuckDB query.

    ``as_of=None``: each row's own ``as_of`` key is its evaluation date (used by the case runner).
    A row's ``open.<id>`` keys are judgements of open criteria (column open__<id>, NULL = assumed met)."""
    import duckdb

    con = con or duckdb.connect()
    backend = DuckDBBackend(policies, judgements=True)
    load_duckdb(con, rows, policies, judgements=judged_ids(measures))
    compiled = backend.compile(measures, "zhida_facts", as_of)
    with fast_planning(con):
        cur = con.execute(compiled.sql)
        cols = [d[0] for d in cur.description]
        records = [dict(zip(cols, r)) for r in cur.fetchall()]
    return read_results(compiled, records)


def run_postgres(measures: list[Measure], rows: list[dict], as_of: date | None, policies, url: str):
    """Same on PostgreSQL (SQLAlchemy + psycopg), in a temporary table of one transaction."""
    import sqlalchemy as sa

    backend = PostgresBackend(policies, judgements=True)
    judged = judged_ids(measures)
    engine = sa.create_engine(url)
    compiled = backend.compile(measures, "zhida_facts", as_of)
    try:
        with engine.begin() as conn:
            ddl = backend.create_table("zhida_facts", judgements=judged).replace("CREATE TABLE", "CREATE TEMPORARY TABLE", 1)
            conn.exec_driver_sql(ddl + " ON COMMIT DROP")
            names, values = _prepare(rows, policies, judged)
            if values:
                marks = ", ".join("%s" for _ in names)
                conn.exec_driver_sql(f"INSERT INTO zhida_facts VALUES ({marks})", values)
            result = conn.exec_driver_sql(compiled.sql)
            records = [dict(r._mapping) for r in result]
    finally:
        engine.dispose()
    return read_results(compiled, records)
