"""Run compiled measures on DuckDB (in-process) or PostgreSQL and read results back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhida.rules.model import Measure
from zhida.rules.sql import CompiledQuery, DuckDBBackend, PostgresBackend


@dataclass
class RowResult:
    status: str
    amount: Decimal | None
    failing: list[str]
    unknown: list[str]
    upper: Decimal | None = None


def _bits(mask: int | None, ids: list[str]) -> list[str]:
    mask = int(mask or 0)
    return [cid for i, cid in enumerate(ids) if mask >> i & 1]


def _prepare(rows: list[dict], policies) -> tuple[list[str], list[tuple]]:
    facts = list(policies.catalogue.facts.values())
    names = ["enterprise_id", "as_of"] + [f.column for f in facts]
    values = []
    for i, row in enumerate(rows):
        as_of = row.get("as_of")
        coerced = [str(row.get("enterprise_id", i)), date.fromisoformat(as_of) if isinstance(as_of, str) else as_of]
        for fact in facts:
            coerced.append(policies.catalogue.check_value(fact.name, row.get(fact.name)))
        values.append(tuple(coerced))
    return names, values


ARROW_TYPES = {"money": ("decimal", 20, 2), "integer": "int64", "decimal": ("decimal", 20, 6),
               "percent": ("decimal", 20, 6), "boolean": "bool_", "date": "date32", "code": "string", "text": "string"}


def arrow_table(rows: list[dict], policies):
    """Rows of facts as a typed Arrow table (exact decimals), columns in catalogue order."""
    import pyarrow as pa

    def arrow_type(t):
        spec = ARROW_TYPES[t]
        return pa.decimal128(spec[1], spec[2]) if isinstance(spec, tuple) else getattr(pa, spec)()

    names, values = _prepare(rows, policies)
    facts = list(policies.catalogue.facts.values())
    types = [pa.string(), pa.date32()] + [arrow_type(f.type) for f in facts]
    arrays = [pa.array([v[i] for v in values], type=t) for i, t in enumerate(types)]
    return pa.Table.from_arrays(arrays, names=names)


def load_duckdb(con, rows: list[dict], policies, table: str = "zhida_facts") -> None:
    backend = DuckDBBackend(policies)
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(backend.create_table(table))
    if rows:
        data = arrow_table(rows, policies)  # noqa: F841 - DuckDB reads the local by name
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
                                 rec[cols["upper"]] if "upper" in cols else None)
    return out


def run_duckdb(measures: list[Measure], rows: list[dict], as_of: date | None, policies, con=None):
    """Evaluate ``measures`` for ``rows`` (fact dicts) in one DuckDB query.

    ``as_of=None``: each row's own ``as_of`` key is its evaluation date (used by the case runner)."""
    import duckdb

    con = con or duckdb.connect()
    backend = DuckDBBackend(policies)
    load_duckdb(con, rows, policies)
    compiled = backend.compile(measures, "zhida_facts", as_of)
    cur = con.execute(compiled.sql)
    cols = [d[0] for d in cur.description]
    return read_results(compiled, [dict(zip(cols, r)) for r in cur.fetchall()])


def run_postgres(measures: list[Measure], rows: list[dict], as_of: date | None, policies, url: str):
    """Same on PostgreSQL (SQLAlchemy + psycopg), in a temporary table of one transaction."""
    import sqlalchemy as sa

    backend = PostgresBackend(policies)
    engine = sa.create_engine(url)
    compiled = backend.compile(measures, "zhida_facts", as_of)
    try:
        with engine.begin() as conn:
            ddl = backend.create_table("zhida_facts").replace("CREATE TABLE", "CREATE TEMPORARY TABLE", 1)
            conn.exec_driver_sql(ddl + " ON COMMIT DROP")
            names, values = _prepare(rows, policies)
            if values:
                marks = ", ".join("%s" for _ in names)
                conn.exec_driver_sql(f"INSERT INTO zhida_facts VALUES ({marks})", values)
            result = conn.exec_driver_sql(compiled.sql)
            records = [dict(r._mapping) for r in result]
    finally:
        engine.dispose()
    return read_results(compiled, records)
