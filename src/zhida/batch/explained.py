"""Some measures over a population, one row per enterprise WITH reasons, in one pass (DuckDB).

A caller that wants a few measures side by side with their reasons — the OpenFisca comparison
(benchmarks/openfisca_compare.py), an export for one unit — gets them straight from the staged
query in the batch's packed layout (packed.py): per measure ``p{i}``, status and the masks of
failing / unknown conditions (bit k = the measure's k-th condition), and ``amount{i}``. The
reasons are stored as those condition codes; their Chinese labels go once into the file's
metadata (``zhida:reasons``) and are resolved when read (``read_explained``: per measure
``<id>:status`` eligible / ineligible / undetermined / not_applicable, ``:amount``,
``:failing`` / ``:unknown`` (NULL where not applicable) and ``:failing_reasons`` /
``:unknown_reasons``, the labels joined by ``；``, NULL where there are none) — the values the
batch and the scalar explainer give (tests/batch/test_explained.py). Writing 5,000,000 label
strings per 500,000 enterprises cost as much as the rules themselves.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhida.batch.engines import KEY, STATUS_NAMES, DuckDBEngine, _lit

REASONS = "zhida:reasons"  # key of the file metadata holding the measures and their condition labels


def write_explained(policies, measures, as_of: date, input_path: Path, out: Path, *, reasons: bool = True,
                    threads: int | None = None) -> int:
    """``measures`` over the facts Parquet ``input_path`` → ``out`` (Parquet), one row per
    enterprise; returns the rows written. Without ``reasons`` only each measure's status code
    (``s{i}``) and amount are written."""
    from zhida.batch.engines import judged_in_input

    engine = DuckDBEngine(threads=threads)
    con = engine.connect()
    try:
        present = engine.facts_view(con, policies, Path(input_path), as_of)
        compiled = engine.compile(policies, measures, as_of, (), layout=True,
                                  judged=judged_in_input(Path(input_path), present, measures))
        sql, options = compiled.sql, ""
        if reasons:
            labels = {"measures": [{"id": m.id, "conditions": [c.label for c in m.conditions]} for m in measures]}
            text = json.dumps(labels, ensure_ascii=False).replace("'", "''")
            options = f", KV_METADATA {{'{REASONS}': '{text}'}}"
        else:
            cols = [f'"{KEY}"'] + [f"CAST(p{i} & 3 AS TINYINT) AS s{i}" for i in range(len(measures))]
            cols += [f'"{name}"' for m in measures for part, name in compiled.columns[m.id].items() if part == "amount"]
            sql = f"SELECT {', '.join(cols)} FROM ({sql})"
        return int(con.execute(f"COPY ({sql}) TO '{_lit(Path(out))}' (FORMAT parquet, COMPRESSION zstd{options})")
                   .fetchone()[0])
    finally:
        con.close()


def read_explained(path: Path) -> pa.Table:
    """The explained columns of a ``write_explained`` file (with reasons), labels resolved."""
    import numpy as np

    file = pq.ParquetFile(path)
    meta = json.loads(file.metadata.metadata[REASONS.encode()].decode("utf-8"))
    table = file.read()
    columns = {KEY: table.column(KEY)}
    names = np.array(["not_applicable", *(STATUS_NAMES[c] for c in (1, 2, 3))], dtype=object)
    for i, m in enumerate(meta["measures"]):
        labels, width = m["conditions"], len(m["conditions"])
        p = table.column(f"p{i}").to_numpy().astype(np.int64)
        applicable = p != 0
        columns[f"{m['id']}:status"] = pa.array(names[p & 3])
        columns[f"{m['id']}:amount"] = table.column(f"amount{i}") if f"amount{i}" in table.column_names else \
            pa.nulls(len(p), pa.decimal128(20, 2))
        for kind, shift in (("failing", 2), ("unknown", 2 + width)):
            mask = (p >> shift) & ((1 << width) - 1)
            columns[f"{m['id']}:{kind}"] = pa.array(mask, mask=~applicable)
            codes, at = np.unique(mask, return_inverse=True)  # each distinct mask's labels once
            texts = np.array(["；".join(x for k, x in enumerate(labels) if int(c) >> k & 1) or None
                              for c in codes], dtype=object)
            columns[f"{m['id']}:{kind}_reasons"] = pa.array(texts[at.reshape(-1)], type=pa.string())
    return pa.table(columns)
