"""Some measures over a population, one row per enterprise WITH reasons, in one pass (DuckDB).

The batch run (runner.py) writes the long pair layout for all measures and its readers; a caller
that wants a few measures side by side with their reasons — the OpenFisca comparison
(benchmarks/openfisca_compare.py), an export for one unit — got them in three Parquet passes
(long results written, read back to wide, read again to decode the masks into labels). Here the
staged query's columns go straight to the file: per measure ``<id>:status`` (eligible /
ineligible / undetermined / not_applicable), ``:amount`` (DECIMAL(20,2)), ``:failing`` and
``:unknown`` (bit i = the measure's i-th condition, as in the long layout; NULL where not
applicable) and, with
``reasons``, ``:failing_reasons`` / ``:unknown_reasons``: the Chinese labels of those conditions
joined by ``；`` (NULL where there are none) — the same values the long layout and the scalar
explainer give (tests/batch/test_explained.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhida.batch.engines import KEY, STATUS_CODES, DuckDBEngine, _lit

STATUS_NAME = "CASE {} " + "".join(f"WHEN {v} THEN '{k}' " for k, v in STATUS_CODES.items()) + "ELSE 'not_applicable' END"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _labels(mask: str, labels: list[str]) -> str:
    """The labels of the set bits joined by '；' (NULL for none), looked up by the mask in a list of
    every combination (2^C strings; C ≤ LOOKUP_BITS): one list index per pair instead of C tests and
    a concatenation. More conditions than that: tested bit by bit."""
    if not labels:
        return "CAST(NULL AS VARCHAR)"
    if len(labels) <= LOOKUP_BITS:
        texts = ["；".join(label for i, label in enumerate(labels) if m >> i & 1) for m in range(1 << len(labels))]
        items = ", ".join("NULL" if not t else "'" + t.replace("'", "''") + "'" for t in texts)
        return f"[{items}][{mask} + 1]"  # DuckDB lists are 1-based; a NULL mask gives NULL
    parts = [f"CASE WHEN ({mask} >> {i}) & 1 = 1 THEN '{label.replace(chr(39), chr(39) * 2)}' END"
             for i, label in enumerate(labels)]
    return f"nullif(concat_ws('；', {', '.join(parts)}), '')"


LOOKUP_BITS = 8


def explained_sql(compiled, measures, reasons: bool = True) -> str:
    """SELECT over the compiled staged query (status codes): the explained wide columns."""
    inner, outer = [_q(KEY)], [_q(KEY)]
    for i, m in enumerate(measures):
        c = compiled.columns[m.id]
        status = _q(c["status"])
        inner += [f"{status} AS s{i}", f"CAST({_q(c['amount'])} AS DECIMAL(20,2)) AS a{i}",
                  # masks of a not_applicable result are not reported (the long layout has no row)
                  f"CAST(CASE WHEN {status} IS NOT NULL THEN {_q(c['failing'])} END AS BIGINT) AS f{i}",
                  f"CAST(CASE WHEN {status} IS NOT NULL THEN {_q(c['unknown'])} END AS BIGINT) AS u{i}"]
        outer += [f"{STATUS_NAME.format(f's{i}')} AS {_q(m.id + ':status')}", f"a{i} AS {_q(m.id + ':amount')}",
                  f"f{i} AS {_q(m.id + ':failing')}", f"u{i} AS {_q(m.id + ':unknown')}"]
        if reasons:
            labels = [cond.label for cond in m.conditions]
            outer += [f"{_labels(f'f{i}', labels)} AS {_q(m.id + ':failing_reasons')}",
                      f"{_labels(f'u{i}', labels)} AS {_q(m.id + ':unknown_reasons')}"]
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM ({compiled.sql}))"


def write_explained(policies, measures, as_of: date, input_path: Path, out: Path, *, reasons: bool = True,
                    threads: int | None = None) -> int:
    """``measures`` over the facts Parquet ``input_path`` → ``out`` (Parquet), one row per
    enterprise; returns the rows written."""
    from zhida.batch.engines import judged_in_input

    engine = DuckDBEngine(threads=threads)
    con = engine.connect()
    try:
        present = engine.facts_view(con, policies, Path(input_path), as_of)
        compiled = engine.compile(policies, measures, as_of, (), status_codes=True,
                                  judged=judged_in_input(Path(input_path), present, measures))
        sql = explained_sql(compiled, measures, reasons)
        return int(con.execute(f"COPY ({sql}) TO '{_lit(Path(out))}' (FORMAT parquet, COMPRESSION zstd)").fetchone()[0])
    finally:
        con.close()
