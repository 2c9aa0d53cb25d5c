"""Where the compiled rules run: DuckDB in-process (default), PostgreSQL, Apache Spark.

Every engine reads the same input (a Parquet file of catalogue facts, one row per enterprise,
keyed by ``uscc``; see ``zhida generate``), runs the same staged query (staged.py, ``packed``)
in its SQL dialect and writes the same result layout (packed.py): one row per enterprise,
``uscc``, per measure one integer ``p{i}`` holding status (``STATUS_CODES``; 0 = not
applicable) and the failing / unknown / open bitmasks, and the money columns ``amount{i}``,
``upper{i}``, ``least{i}`` (DECIMAL(20,2)) of the measures that have them. Readers get long
pairs, counts and sums through packed.py. Why packed: the long layout (one row per applicable
pair, 127 M rows at 2,000,000 enterprises) cost more to build and write than the rules; most
pairs are not applicable. The identity columns (``uscc`` + ``CARRY``) go once per enterprise
to a second file (``enterprises_out``). DuckDB and PostgreSQL write Parquet files; Spark writes
Parquet directories (part files).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhida.batch import packed
from zhida.batch.staged import STAGED
from zhida.rules.period_parts import completions, part_columns
from zhida.errors import DataError
from zhida.rules.sql import SQL_TYPES, CompiledQuery, judgement_column

KEY = "uscc"
CARRY = ("name", "region_code", "special_zone", "subdistrict_code", "industry_code", "entity_type")
FACTS_VIEW = "zhida_facts"
ENTERPRISES = "enterprises.parquet"  # default name of the identity file, next to the results
Progress = Callable[[float], None]  # fraction done, 0..1
STATUS_CODES = {"eligible": 1, "ineligible": 2, "undetermined": 3}  # not_applicable (0): no row
STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}


@dataclass
class EngineResult:
    rows: int
    seconds: float
    path: Path  # a Parquet file, or a directory of part files (Spark)


def result_names(compiled: CompiledQuery, carry: tuple[str, ...] = CARRY) -> dict[str, str]:
    """Query alias (m3_status) → result column name (xz2022.first-set-equipment-subsidy:status)."""
    names = {KEY: KEY, **{c: c for c in carry}}
    for mid, cols in compiled.columns.items():
        for part, alias in cols.items():
            names[alias] = f"{mid}:{part}"
    return names


def input_columns(path: Path) -> list[str]:
    """Column names of a Parquet file or directory; DataError if unreadable or without ``uscc``."""
    try:
        schema = pq.read_schema(path) if path.is_file() else pq.ParquetDataset(path).schema
    except (OSError, pa.ArrowException) as exc:
        raise DataError(str(path), f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    if KEY not in schema.names:
        raise DataError(str(path), "no 'uscc' column: expected the facts layout of `zhida generate`")
    return schema.names


def judged_in_input(input_path: Path, present: list[str], measures) -> tuple[str, ...]:
    """Open criterion ids of ``measures`` that some enterprise of the input has a judgement for
    (an ``open__<id>`` column with a value; export_enterprises writes them from profiles). Only
    these are read: a criterion nobody judged is assumed met without a column lookup."""
    import duckdb

    wanted = {judgement_column(o.id): o.id for m in measures for o in m.open_criteria}
    cols = [c for c in present if c in wanted]
    if not cols:
        return ()
    source = str(input_path / "*.parquet") if input_path.is_dir() else str(input_path)
    con = duckdb.connect()
    try:
        counts = con.execute("SELECT " + ", ".join(f'count("{c}")' for c in cols) +
                             f" FROM read_parquet({_quoted(source)})").fetchone()
    finally:
        con.close()
    return tuple(sorted(wanted[c] for c, n in zip(cols, counts) if n))


def _carry(present: list[str]) -> tuple[str, ...]:
    return tuple(c for c in CARRY if c in present)


class Engine:
    name = "?"

    def compile(self, policies, measures, as_of: date, carry: tuple[str, ...], status_codes: bool = False,
                judged: tuple[str, ...] = (), layout: bool = False) -> CompiledQuery:
        """``judged``: open criterion ids read from the input's ``open__<id>`` columns; ``layout``:
        the packed result layout (packed.py) instead of the per-measure status and mask columns."""
        return STAGED[self.dialect](policies, judgements=judged).compile(
            measures, FACTS_VIEW, as_of, key=KEY, carry=carry, status_codes=status_codes, packed=layout)

    def run(self, policies, measures, as_of: date, input_path: Path, out: Path,
            progress: Progress | None = None) -> EngineResult:
        raise NotImplementedError


def _missing_fact_selects(policies, present: list[str], quote: str = '"') -> list[str]:
    """A catalogue fact absent from the input is unknown for everyone: a typed NULL column."""
    out = []
    for fact in policies.catalogue.facts.values():
        if fact.column not in present:
            out.append(f"CAST(NULL AS {SQL_TYPES[fact.type]}) AS {quote}{fact.column}{quote}")
    return out


class DuckDBEngine(Engine):
    name = dialect = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        self.threads, self.memory_limit = threads, memory_limit

    def connect(self):
        import duckdb

        con = duckdb.connect()
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        # results are keyed by uscc; not keeping input order lets DuckDB stream with less memory
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = true")  # progress tracking, for query_progress()
        con.execute("SET enable_progress_bar_print = false")
        return con

    def facts_view(self, con, policies, input_path: Path, as_of: date, region_code: str | None = None) -> list[str]:
        """The input as the view the compiled query reads; ``region_code``: that district's rows only.
        A period column the input gives parts for (months, quarters) is completed from them
        (rules/period_parts.py)."""
        present = input_columns(input_path)
        source = str(input_path / "*.parquet") if input_path.is_dir() else str(input_path)
        derived = completions(policies.catalogue, set(present), as_of)
        replaced = [c for c in derived if c in present]
        star = "*" + (f" EXCLUDE ({', '.join(chr(34) + c + chr(34) for c in replaced)})" if replaced else "")
        extra = "".join(f', {sql} AS "{c}"' for c, sql in derived.items())
        extra += "".join(", " + s for s in _missing_fact_selects(policies, [*present, *derived]))
        where = "" if region_code is None else " WHERE region_code = " + _quoted(region_code)
        con.execute(f"CREATE OR REPLACE VIEW {FACTS_VIEW} AS SELECT {star}{extra} FROM read_parquet({_quoted(source)}){where}")
        return [*present, *(c for c in derived if c not in present)]

    def run(self, policies, measures, as_of, input_path, out, progress=None,
            enterprises_out: Path | None = None) -> EngineResult:
        started = time.perf_counter()
        enterprises_out = enterprises_out or out.with_name(ENTERPRISES)
        con = self.connect()
        try:
            present = self.facts_view(con, policies, input_path, as_of)
            carry = _carry(present)
            compiled = self.compile(policies, measures, as_of, (), layout=True,
                                    judged=judged_in_input(input_path, present, measures))
            ident = ", ".join(f'"{c}"' for c in (KEY, *carry))
            rows = int(con.execute(f"COPY (SELECT {ident} FROM {FACTS_VIEW}) TO '{_lit(enterprises_out)}' "
                                   f"(FORMAT parquet, COMPRESSION zstd)").fetchone()[0])
            _with_progress(con, f"COPY ({compiled.sql}) TO '{_lit(out)}' (FORMAT parquet, COMPRESSION zstd)", progress)
        finally:
            con.close()
        return EngineResult(rows, time.perf_counter() - started, out)


def _lit(path: Path) -> str:
    return str(path).replace("'", "''")


def _quoted(text: str) -> str:
    """A SQL string literal (DuckDB cannot bind parameters in a view's definition)."""
    return "'" + str(text).replace("'", "''") + "'"


def _with_progress(con, sql: str, progress: Progress | None) -> int:
    """Run one statement; meanwhile report DuckDB's own progress estimate."""
    if progress is None:
        return int(con.execute(sql).fetchone()[0])
    box: dict = {}

    def work():
        try:
            box["rows"] = int(con.execute(sql).fetchone()[0])
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.25)
            done = con.query_progress()
            if done >= 0:
                progress(min(done, 100.0) / 100)
    except BaseException:  # Ctrl-C: stop DuckDB before the caller removes its output directory
        con.interrupt()
        worker.join()
        raise
    if "error" in box:
        raise box["error"]
    progress(1.0)
    return box["rows"]


class PostgresEngine(Engine):
    """The same query on PostgreSQL: facts copied into a temporary table, results streamed back."""

    name = dialect = "postgres"
    chunk = 50_000

    def __init__(self, url: str):
        self.url = url

    def run(self, policies, measures, as_of, input_path, out, progress=None,
            enterprises_out: Path | None = None) -> EngineResult:
        import psycopg
        from sqlalchemy.engine import make_url

        started = time.perf_counter()
        enterprises_out = enterprises_out or out.with_name(ENTERPRISES)
        present = input_columns(input_path)
        carry = _carry(present)
        judged = judged_in_input(input_path, present, measures)
        compiled = self.compile(policies, measures, as_of, carry, judged=judged, layout=True)
        backend = STAGED["postgres"](policies)
        ddl = backend.create_table(FACTS_VIEW, key=KEY, judgements=judged).replace(
            "CREATE TABLE", "CREATE TEMPORARY TABLE", 1)
        columns = list(dict.fromkeys([KEY, *carry] + [f.column for f in policies.catalogue.facts.values()]
                                     + [judgement_column(j) for j in judged]))
        ddl = ddl[:-1] + "".join(f', "{c}" TEXT' for c in carry if c not in
                                 {f.column for f in policies.catalogue.facts.values()}) + ")"
        # months / quarters the input gives: copied too, and the columns they make up completed
        # from them in a view over the copied table (rules/period_parts.py)
        part_cols = part_columns(policies.catalogue, set(present), as_of)
        derived = completions(policies.catalogue, set(present), as_of)
        ddl = ddl[:-1] + "".join(f', "{c}" {SQL_TYPES[f.type]}' for c, f in part_cols.items()) + ")"
        columns += list(part_cols)
        table = FACTS_VIEW + "_input" if derived else FACTS_VIEW
        ddl = ddl.replace(f"TABLE {FACTS_VIEW} (", f"TABLE {table} (", 1)
        url = make_url(self.url).set(drivername="postgresql")
        dataset = pq.ParquetFile(input_path) if input_path.is_file() else None
        if dataset is None:
            raise DataError(str(input_path), "the PostgreSQL engine reads one Parquet file")
        total = max(dataset.metadata.num_rows, 1)
        ident = [KEY, *carry]
        with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
            with conn.cursor() as cur:
                cur.execute(ddl)
                if derived:
                    kept = ", ".join(f'"{c}"' for c in columns if c not in derived)
                    made = ", ".join(f'{sql} AS "{c}"' for c, sql in derived.items())
                    cur.execute(f"CREATE TEMPORARY VIEW {FACTS_VIEW} AS SELECT {kept}, {made} FROM {table}")
                wanted = [c for c in columns if c in present]
                with cur.copy(f"COPY {table} ({', '.join(chr(34) + c + chr(34) for c in wanted)}) FROM STDIN") as cp:
                    loaded = 0
                    for batch in dataset.iter_batches(self.chunk, columns=wanted):
                        for row in zip(*(batch.column(c).to_pylist() for c in wanted)):
                            cp.write_row(row)
                        loaded += batch.num_rows
                        if progress:
                            progress(0.5 * loaded / total)
                cur.execute(f"ANALYZE {table}")
            rows = 0
            with conn.cursor(name="zhida_batch") as cur:  # server-side cursor: results streamed
                cur.itersize = self.chunk
                cur.execute(compiled.sql)
                # the packed layout (packed.py), typed as DuckDB writes it
                schema = packed.result_schema(compiled, KEY)
                names = [d.name for d in cur.description]
                writer = pq.ParquetWriter(out, schema, compression="zstd")
                identity = pq.ParquetWriter(enterprises_out, pa.schema([(c, pa.string()) for c in ident]),
                                            compression="zstd")
                try:
                    while batch := cur.fetchmany(self.chunk):
                        columns = list(zip(*batch))
                        writer.write_table(pa.Table.from_arrays(
                            [pa.array(columns[names.index(f.name)], type=f.type) for f in schema], schema=schema))
                        identity.write_table(pa.Table.from_arrays(
                            [pa.array(columns[names.index(c)], type=pa.string()) for c in ident],
                            schema=identity.schema))
                        rows += len(batch)
                        if progress:
                            progress(0.5 + 0.5 * rows / total)
                finally:
                    writer.close()
                    identity.close()
            conn.rollback()  # the temporary table goes with the transaction
        return EngineResult(rows, time.perf_counter() - started, out)


class SparkEngine(Engine):
    """The same query on Spark SQL; see spark.py for the session (local or a cluster)."""

    name = dialect = "spark"

    def __init__(self, master: str | None = None, conf: dict[str, str] | None = None):
        self.master, self.conf = master, conf or {}

    def run(self, policies, measures, as_of, input_path, out, progress=None,
            enterprises_out: Path | None = None) -> EngineResult:
        from zhida.batch.spark import run_spark

        started = time.perf_counter()
        enterprises_out = enterprises_out or out.with_name(ENTERPRISES)
        rows = run_spark(self, policies, measures, as_of, str(input_path), str(out), progress, str(enterprises_out))
        return EngineResult(rows, time.perf_counter() - started, out)


def make_engine(name: str, *, postgres_url: str | None = None, spark_master: str | None = None,
                spark_conf: dict[str, str] | None = None, threads: int | None = None) -> Engine:
    if name == "duckdb":
        return DuckDBEngine(threads=threads)
    if name == "postgres":
        if not postgres_url:
            raise DataError("--engine postgres", "needs --postgres-url or ZHIDA_DATABASE_URL set to a PostgreSQL URL")
        return PostgresEngine(postgres_url)
    if name == "spark":
        return SparkEngine(spark_master, spark_conf)
    raise DataError("--engine", f"{name!r} is not one of duckdb, postgres, spark")
