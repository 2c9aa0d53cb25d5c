"""The long result layout (engines.PAIR_SCHEMA) from the staged query's wide rows, without an unnest.

Building one struct per (enterprise, measure) and unnesting 161 of them per enterprise cost DuckDB
far more than the rules themselves (2,000,000 enterprises: ~8 s of rules, 30–50 s of structs,
list filtering and unnest). Here the query packs each measure's status and masks into ONE integer
per enterprise (0 = not_applicable)::

    status | failing << 2 | unknown << (2 + C) | open << (2 + 2C)    (C: the most conditions of a measure)

and DuckDB streams the wide rows (that integer per measure, plus the money columns of the
measures that have them) as Arrow batches; numpy finds the non-zero cells, unpacks them and
places the amounts, and pyarrow writes the long Parquet file in a second thread. Same values,
same schema as the struct path (tests/batch compare the engines pair by pair); readers never
rely on the order of rows.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DECIMAL = pa.decimal128(20, 2)
MONEY = ("amount", "upper", "least")
BATCH_ROWS = 65_536  # enterprises per Arrow batch (≈ 4 M pairs: a few hundred MB at most in flight)


@dataclass(frozen=True)
class Packing:
    """Bit widths of the packed integer; ``sql_type`` wide enough for them."""

    conditions: int
    opens: int

    @property
    def bits(self) -> int:
        return 2 + 2 * self.conditions + self.opens

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.bits <= 31 else "BIGINT"


def packing(compiled) -> Packing | None:
    """The packing for ``compiled`` (a CompiledQuery), or None when a measure's masks do not fit 63 bits."""
    conditions = max((len(c) for c in compiled.conditions.values()), default=0)
    opens = max((len(o) for o in compiled.open_criteria.values()), default=0)
    found = Packing(max(conditions, 1), opens)
    return found if found.bits <= 63 else None


def packed_sql(compiled, pack: Packing, key: str, quote: str = '"') -> tuple[str, list[list[str | None]]]:
    """SELECT over the compiled query: ``key``, one packed integer per measure (``p{i}``), then the
    money columns that exist (``{part}{i}``). Returns the SQL and, per measure, the names of its
    amount / upper / least columns (None: always NULL)."""
    q = lambda name: quote + name + quote  # noqa: E731
    t = pack.sql_type
    select, money = [q(key)], []
    for i, cols in enumerate(compiled.columns.values()):
        status = f"CAST({q(cols['status'])} AS {t})"
        terms = [status, f"CAST({q(cols['failing'])} AS {t}) * {1 << 2}",
                 f"CAST({q(cols['unknown'])} AS {t}) * {1 << (2 + pack.conditions)}"]
        if "open" in cols:
            terms.append(f"CAST({q(cols['open'])} AS {t}) * {1 << (2 + 2 * pack.conditions)}")
        # NULL status (not applicable) makes the sum NULL: 0. The masks are never NULL.
        select.append(f"COALESCE({' + '.join(terms)}, 0) AS {q(f'p{i}')}")
        names: list[str | None] = []
        for part in MONEY:
            if part in cols and not _always_null(compiled.sql, cols[part], quote):
                select.append(f"CAST({q(cols[part])} AS DECIMAL(20,2)) AS {q(f'{part}{i}')}")
                names.append(f"{part}{i}")
            else:
                names.append(None)
        money.append(names)
    return f"SELECT {', '.join(select)} FROM ({compiled.sql})", money


def _always_null(sql: str, alias: str, quote: str) -> bool:
    return f"CAST(NULL AS DECIMAL(20,2)) AS {quote}{alias}{quote}" in sql


def unpack(batch: pa.RecordBatch, pack: Packing, money: list[list[str | None]], schema: pa.Schema) -> pa.Table | None:
    """One Arrow batch of packed wide rows → the long pairs of its enterprises, enterprise by
    enterprise (None if there are none). ``uscc`` comes dictionary-encoded (indices into the
    batch's own column): the Parquet writer stores it as runs, without hashing every string."""
    n, count = batch.num_rows, len(money)
    at = {name: i for i, name in enumerate(batch.schema.names)}
    cells = np.empty((n, count), dtype=np.int32 if pack.sql_type == "INTEGER" else np.int64)
    for i in range(count):
        cells[:, i] = batch.column(at[f"p{i}"]).to_numpy(zero_copy_only=False)
    flat = np.flatnonzero(cells)  # cell = row * count + measure, ascending
    if len(flat) == 0:
        return None
    value = cells.ravel()[flat].astype(np.int64)
    rows = flat // count
    measure = (flat - rows * count).astype(np.int16)
    bits = (1 << pack.conditions) - 1
    key = pa.DictionaryArray.from_arrays(pa.array(rows.astype(np.int32)), batch.column(0))
    arrays = [key, pa.array(measure), pa.array((value & 3).astype(np.int8)), None, None,
              pa.array((value >> 2) & bits), pa.array((value >> (2 + pack.conditions)) & bits),
              pa.array(value >> (2 + 2 * pack.conditions)), None]
    for slot, part in ((3, 0), (4, 1), (8, 2)):
        arrays[slot] = _gather_money(batch, at, money, part, flat, count)
    return pa.Table.from_arrays(arrays, schema=schema.set(0, pa.field(schema.field(0).name, key.type)))


def _gather_money(batch, at, money, part: int, flat, count: int) -> pa.Array:
    """The money column ``MONEY[part]`` of the pairs ``flat``: an amount exists only where the
    measure applies, so each known value is put at its pair's position (found by bisection)."""
    total = len(flat)
    values = valid = None
    for i, names in enumerate(money):
        name = names[part]
        if name is None:
            continue
        column = batch.column(at[name])
        if column.null_count == len(column):
            continue
        known = np.flatnonzero(column.is_valid().to_numpy(zero_copy_only=False))
        at_pair = np.searchsorted(flat, known * count + i)
        if (at_pair >= total).any() or (flat[np.minimum(at_pair, total - 1)] != known * count + i).any():
            raise AssertionError(f"a {MONEY[part]} without an applicable result (measure {i})")
        if values is None:
            values, valid = np.zeros((total, 2), dtype=np.int64), np.zeros(total, dtype=bool)
        data = np.frombuffer(column.buffers()[1], dtype=np.int64).reshape(-1, 2)  # decimal128: two words
        values[at_pair] = data[column.offset + known]
        valid[at_pair] = True
    if values is None:
        return pa.nulls(total, DECIMAL)
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(DECIMAL, total, [bitmap, pa.py_buffer(values)])


def write_long(reader, pack: Packing, money, schema: pa.Schema, out: Path,
               progress: Callable[[int], None] | None = None) -> int:
    """Unpack every batch of ``reader`` (a pyarrow RecordBatchReader) and write the long Parquet
    file; a writer thread compresses while the next batch is unpacked. Returns the pairs written."""
    pending: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def write():
        try:
            writer = None
            while (table := pending.get()) is not None:
                if writer is None:  # store_schema=False: read back, uscc is a plain string column
                    writer = pq.ParquetWriter(out, table.schema, compression="zstd", store_schema=False)
                writer.write_table(table, row_group_size=len(table))  # one batch, one dictionary
            if writer is not None:
                writer.close()
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)
            while pending.get() is not None:  # drain so the producer never blocks
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    pairs = 0
    try:
        for batch in reader:
            table = unpack(batch, pack, money, schema)
            if table is not None:
                pairs += table.num_rows
                pending.put(table)
            if progress:
                progress(batch.num_rows)
            if failure:
                break
    finally:
        pending.put(None)
        writer.join()
    if failure:
        raise failure[0]
    if pairs == 0:
        pq.write_table(schema.empty_table(), out, compression="zstd")
    return pairs
