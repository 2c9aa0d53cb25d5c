"""The batch's result layout: one row per enterprise, per measure ONE packed integer, and its readers.

``results.parquet`` holds, per enterprise (``uscc``), for measure i (its index in the manifest's
``measures``)::

    p{i} = 0                                                       not applicable
         | status | failing << 2 | unknown << (2 + C) | open << (2 + 2C)   otherwise

status 1 eligible, 2 ineligible, 3 undetermined (engines.STATUS_CODES); C = the measure's
conditions (failing / unknown: bit k = its k-th condition, the manifest's ``conditions``), open
bit k = its k-th open criterion (still to be judged: 待认定); INTEGER, or BIGINT where the bits
need it. Beside them the money columns a measure has: ``amount{i}``, ``upper{i}``, ``least{i}``
(DECIMAL(20,2); eligible results only). Every engine writes it straight from the staged query
(staged.py ``packed=True``) — the long pair layout it replaces (one row per applicable pair,
127 M rows at 2,000,000 enterprises) cost more to build and write than the rules themselves.

Readers never unpack by hand: ``pairs_sql`` gives the former long rows (uscc, measure, status,
amount, upper, failing, unknown, open, least) of the statuses and measures asked for as a DuckDB
relation, ``counts_sql`` per-measure counts and sums in one scan, ``read_pairs`` an Arrow table
(numpy; tests, small readers).
"""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DECIMAL = pa.decimal128(20, 2)
MONEY = ("amount", "upper", "least")
PAIR_COLUMNS = ("uscc", "measure", "status", "amount", "upper", "failing", "unknown", "open", "least")
PAIR_SCHEMA = pa.schema([("uscc", pa.string()), ("measure", pa.int16()), ("status", pa.int8()),
                         ("amount", DECIMAL), ("upper", DECIMAL), ("failing", pa.int64()),
                         ("unknown", pa.int64()), ("open", pa.int64()), ("least", DECIMAL)])


def bits_of(measure_id: str, conditions: int, opens: int) -> int:
    """Bits of a measure's packed integer (status 2, failing and unknown C each, open O); a
    DataError if more than a BIGINT holds."""
    from zhida.errors import DataError

    bits = 2 + 2 * conditions + opens
    if bits > 63:
        raise DataError(measure_id, f"{conditions} conditions and {opens} open criteria need {bits} bits: "
                                    "the packed result layout holds 63")
    return bits


def result_schema(compiled, key: str) -> pa.Schema:
    """The Arrow schema of the results of ``compiled`` (staged ``packed=True``): key, then per measure
    ``p{i}`` (INTEGER up to 31 bits, else BIGINT) and its money columns, in the query's order."""
    fields = [pa.field(key, pa.string())]
    for mid, cols in compiled.columns.items():
        bits = bits_of(mid, len(compiled.conditions[mid]), len(compiled.open_criteria.get(mid, [])))
        fields.append(pa.field(cols["packed"], pa.int32() if bits <= 31 else pa.int64()))
        fields += [pa.field(cols[part], DECIMAL) for part in MONEY if part in cols]
    return pa.schema(fields)


def widths(measures) -> list[int]:
    """Per measure its C (conditions): manifest entries (dicts) or Measure objects."""
    return [len(m["conditions"]) if isinstance(m, dict) else len(m.conditions) for m in measures]


def status_sql(col: str) -> str:
    return f"({col} & 3)"


def failing_sql(col: str, width: int) -> str:
    return f"(({col} >> 2) & {(1 << width) - 1})"


def unknown_sql(col: str, width: int) -> str:
    return f"(({col} >> {2 + width}) & {(1 << width) - 1})"


def open_sql(col: str, width: int) -> str:
    return f"({col} >> {2 + 2 * width})"


def first_file(results: str | Path) -> Path:
    """The results file, or one part file of a directory / glob (Spark)."""
    path = Path(results)
    if path.is_dir():
        path = path / "*.parquet"
    if "*" in str(path):
        found = sorted(glob.glob(str(path)))
        if not found:
            raise FileNotFoundError(str(path))
        return Path(found[0])
    return path


def source(results: str | Path) -> str:
    """What read_parquet reads: the file, or the part files of a directory."""
    path = Path(results)
    return str(path / "*.parquet") if path.is_dir() else str(results)


def money_columns(results: str | Path) -> set[str]:
    """The money columns the results have (a measure without amounts has none)."""
    return {n for n in pq.read_schema(first_file(results)).names if n.rstrip("0123456789") in MONEY}


def is_long(results: str | Path) -> bool:
    """A run written before the packed layout (one row per applicable pair): still readable."""
    return "measure" in pq.read_schema(first_file(results)).names


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def pairs_sql(con, results: str | Path, measures, statuses=(1, 2, 3), indexes=None, columns=PAIR_COLUMNS,
              where: str | None = None) -> str:
    """A relation (parenthesised SELECT) on ``con`` of the long rows ``columns`` of the results: one
    per (enterprise, measure) pair whose status is in ``statuses``, of the measures ``indexes`` (all
    by default); ``where``: a further filter on them (``uscc IN (…)``). The pairs are unpacked by
    numpy as the file streams (``pair_batches``) into a temporary table of ``con``: DuckDB has no
    cheap way to turn one wide row into its cells (a UNION ALL of one scan per measure, or lists
    unnested, took 5× the long layout's time over 2,000,000 enterprises)."""
    wanted = list(range(len(measures))) if indexes is None else sorted(set(indexes))
    filtered = f" WHERE {where}" if where else ""
    if is_long(results):
        tests = [f"status IN ({', '.join(map(str, sorted(statuses)))})",
                 f"measure IN ({', '.join(map(str, wanted)) or 'NULL'})"] + ([f"({where})"] if where else [])
        return f"(SELECT {', '.join(columns)} FROM read_parquet({_lit(source(results))}) WHERE {' AND '.join(tests)})"
    global _TABLES
    _TABLES += 1
    name = f"zhida_pairs_{_TABLES}"
    reader = pa.RecordBatchReader.from_batches(  # noqa: F841 - read by DuckDB
        _pairs_schema(columns), pair_batches(results, measures, statuses, wanted, columns))
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM reader")
    return f"(SELECT * FROM {name}{filtered})"


_TABLES = 0


def _pairs_schema(columns) -> pa.Schema:
    return pa.schema([PAIR_SCHEMA.field(c) for c in columns])


def pair_batches(results: str | Path, measures, statuses=(1, 2, 3), wanted=None, columns=PAIR_COLUMNS):
    """Record batches of the long rows (``columns``) of the pairs in ``statuses`` of the measures
    ``wanted``, enterprise by enterprise as the packed file streams (numpy: the cells of a batch as
    one matrix, the wanted ones found at once, masks unpacked by each measure's width, the few
    known amounts placed by bisection)."""
    import pyarrow.dataset as ds

    wanted = list(range(len(measures))) if wanted is None else list(wanted)
    if not wanted:
        return
    money = money_columns(results)
    width = np.array(widths([measures[i] for i in wanted]), dtype=np.int64)
    count = len(wanted)
    parts = [part for part in MONEY if part in columns]
    read = ["uscc", *(f"p{i}" for i in wanted),
            *(f"{part}{i}" for part in parts for i in wanted if f"{part}{i}" in money)]
    path = Path(str(source(results)).removesuffix("/*.parquet"))
    schema = _pairs_schema(columns)
    codes = np.array(sorted(statuses))
    batches = ds.dataset(str(path), format="parquet").to_batches(columns=read, batch_size=65_536, batch_readahead=1,
                                                                 fragment_readahead=1)
    for batch in batches:
        n = batch.num_rows
        cells = np.empty((n, count), dtype=np.int64)
        for j, i in enumerate(wanted):
            cells[:, j] = batch.column(1 + j).to_numpy(zero_copy_only=False)
        chosen = (cells != 0) & np.isin(cells & 3, codes)
        flat = np.flatnonzero(chosen)  # = row * count + j, ascending
        if len(flat) == 0:
            continue
        rows, col = np.divmod(flat, count)
        v, w = cells.ravel()[flat], width[col]
        low = (np.int64(1) << w) - 1
        out = {"uscc": batch.column(0).take(pa.array(rows)).cast(pa.string()),
               "measure": pa.array(np.asarray(wanted, dtype=np.int16)[col]),
               "status": pa.array((v & 3).astype(np.int8)),
               "failing": pa.array((v >> 2) & low), "unknown": pa.array((v >> (2 + w)) & low),
               "open": pa.array(v >> (2 + 2 * w))}
        at = {name: k for k, name in enumerate(read)}
        for part in parts:
            out[part] = _gather_money(batch, at, [(j, f"{part}{i}") for j, i in enumerate(wanted)], flat, count)
        yield pa.RecordBatch.from_arrays([out[c] for c in columns], schema=schema)


def _gather_money(batch, at: dict, named: list[tuple[int, str]], flat, count: int) -> pa.Array:
    """A money column of the pairs ``flat``: each known value of measure column j put at its pair's
    position, found by bisection (a value only exists where its measure is eligible)."""
    total = len(flat)
    values = valid = None
    for j, name in named:
        if name not in at:
            continue
        column = batch.column(at[name])
        if column.null_count == len(column):
            continue
        known = np.flatnonzero(column.is_valid().to_numpy(zero_copy_only=False))
        target = known * count + j
        place = np.minimum(np.searchsorted(flat, target), total - 1)
        hit = flat[place] == target  # values of pairs not asked for (another status) are left out
        if values is None:
            values, valid = np.zeros((total, 2), dtype=np.int64), np.zeros(total, dtype=bool)
        data = np.frombuffer(column.buffers()[1], dtype=np.int64).reshape(-1, 2)  # decimal128: two words
        values[place[hit]] = data[column.offset + known[hit]]
        valid[place[hit]] = True
    if values is None:
        return pa.nulls(total, DECIMAL)
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(DECIMAL, total, [bitmap, pa.py_buffer(values)])


def counts_sql(results: str | Path, measures, join: str = "", where: str = "") -> tuple[str, list[tuple[int, str]]]:
    """One scan: per measure its eligible, ineligible and undetermined enterprises and the sum and
    count of its known amounts. Returns the SQL (one row) and the (measure, part) of each column.
    The results are ``r``; ``join`` / ``where``: enterprises joined and a filter (a district)."""
    long = is_long(results)
    money = money_columns(results) if not long else {f"amount{i}" for i in range(len(measures))}
    cols, names = [], []
    for i in range(len(measures)):
        s = status_sql(f"p{i}") if not long else f"r.measure = {i} AND r.status"
        if long:
            cols += [f"count(*) FILTER ({s} = {code})" for code in (1, 2, 3)]
            cols += [f"sum(r.amount) FILTER ({s} = 1)", f"count(r.amount) FILTER ({s} = 1)"]
            names += [(i, name) for name in ("eligible", "ineligible", "undetermined", "amount_sum", "amount_count")]
            continue
        for code, name in ((1, "eligible"), (2, "ineligible"), (3, "undetermined")):
            # count_if, not count(*) FILTER: DuckDB evaluates ~500 FILTER clauses one selection
            # each (4.5 s over 200,000 enterprises × 161 measures), count_if in one pass (0.11 s);
            # coalesce: count_if over no rows (a district without enterprises) is NULL
            cols.append(f"coalesce(count_if({s} = {code}), 0)")
            names.append((i, name))
        if f"amount{i}" in money:
            cols += [f"sum(amount{i})", f"count(amount{i})"]
            names += [(i, "amount_sum"), (i, "amount_count")]
    return (f"SELECT {', '.join(cols) or 'count(*)'} FROM read_parquet({_lit(source(results))}) r {join}"
            + (f" WHERE {where}" if where else "")), names


def read_pairs(results: str | Path, measures, columns=None) -> pa.Table:
    """The long rows of every applicable pair as an Arrow table (PAIR_SCHEMA, or ``columns``), in
    file order (tests, small readers)."""
    path = Path(results)
    if is_long(path):  # a run of the former long layout
        table = pq.read_table(path) if path.is_file() else pq.ParquetDataset(path).read()
        return table.select(list(columns or PAIR_COLUMNS))
    columns = tuple(columns or PAIR_COLUMNS)
    return pa.Table.from_batches(list(pair_batches(path, measures, columns=columns)), schema=_pairs_schema(columns))
