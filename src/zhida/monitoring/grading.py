"""亩均 grading as one set-based DuckDB query (window functions for the group benchmark, the rank
and the class within region × industry), exact to the Decimal rules stated in
policies/monitoring/mu_evaluation.yaml.

DuckDB divides DECIMALs in floating point, so every quotient here is done in integers (HUGEINT):
amounts are scaled to integers; a ratio rounded half-up to 6 places is
``(2·P + Q) // (2·Q)`` in millionths for ``P/Q`` with P, Q ≥ 0; weights, cap and grade shares are
exact fractions of integers computed in Python from the YAML's decimals. The result equals the
Decimal arithmetic of the YAML (tests/monitoring/test_evaluation.py reproduces it with Fractions).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

MICRO = 10**6


def _frac(value: Decimal) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def _half_up(p: str, q: str) -> str:
    """round_half_up(p / q) for non-negative integer SQL expressions p, q (q > 0)."""
    return f"((2 * ({p}) + ({q})) // (2 * ({q})))"


def grading_sql(method, table: str, scale: int) -> str:
    """The query over ``table`` (uscc, region_code, industry_code and the amounts as DECIMAL with
    ``scale`` places): one row per enterprise with each indicator in millionths (NULL = missing),
    each weighted part in millionths, the score in hundredths, the rank, the group size and grade."""
    factor = 10**scale
    ints = {a: f"CAST({a} * {factor} AS HUGEINT)" for a in {i.numerator for i in method.indicators}
            | {i.denominator for i in method.indicators}}
    values = ", ".join(
        f"CASE WHEN {ints[i.denominator]} IS NULL OR {ints[i.numerator]} IS NULL OR {ints[i.denominator]} = 0 THEN NULL "
        f"ELSE {_half_up(f'{ints[i.numerator]} * {MICRO}', ints[i.denominator])} END AS v_{i.id}"
        for i in method.indicators)
    group_parts = {"region_code": "region_code", "industry_section": f"substr(industry_code, 1, {method.industry_digits})"}
    group = [group_parts[g] for g in method.group_by]
    group_cols = "".join(f", {g} AS g{k}" for k, g in enumerate(group))
    complete = " AND ".join(f"v_{i.id} IS NOT NULL" for i in method.indicators)
    benches = ", ".join(
        f"CASE WHEN complete THEN {_half_up(f'sum(v_{i.id}) OVER w', 'count(*) OVER w')} END AS b_{i.id}"
        for i in method.indicators)
    cn, cd = _frac(method.cap)
    parts = []
    for i in method.indicators:
        wn, wd = _frac(i.weight)
        at_cap = _half_up(str(wn * cn * MICRO), str(wd * cd))
        at_one = _half_up(str(wn * MICRO), str(wd))
        below = _half_up(f"{wn} * v_{i.id} * {MICRO}", f"{wd} * b_{i.id}")
        parts.append(f"CASE WHEN NOT complete THEN NULL WHEN b_{i.id} = 0 THEN {at_one} "
                     f"WHEN v_{i.id} * {cd} >= {cn} * b_{i.id} THEN {at_cap} ELSE {below} END AS p_{i.id}")
    total = " + ".join(f"p_{i.id}" for i in method.indicators)
    grades = []
    for code, _, share in method.grades:
        sn, sd = _frac(share)
        grades.append(f"WHEN rnk <= (n * {sn} + {sd - 1}) // {sd} THEN '{code}'")
    keys = ", ".join(["complete"] + [f"g{k}" for k in range(len(group))])
    v_cols = ", ".join(f"v_{i.id}" for i in method.indicators)
    b_cols = ", ".join(f"b_{i.id}" for i in method.indicators)
    return f"""
WITH v AS (
  SELECT uscc, region_code, industry_code{group_cols}, {values} FROM {table}
), c AS (
  SELECT *, ({complete}) AS complete FROM v
), b AS (
  SELECT *, {benches} FROM c WINDOW w AS (PARTITION BY {keys})
), p AS (
  SELECT uscc, region_code, industry_code{''.join(f', g{k}' for k in range(len(group)))}, complete, {v_cols}, {b_cols},
         {', '.join(parts)} FROM b
), s AS (
  SELECT *, CASE WHEN complete THEN {_half_up(total, str(10**4))} END AS score FROM p
), r AS (
  SELECT *, CASE WHEN complete THEN rank() OVER (PARTITION BY {keys} ORDER BY score DESC) END AS rnk,
         CASE WHEN complete THEN count(*) OVER (PARTITION BY {keys}) END AS n
  FROM s
)
SELECT uscc, region_code, industry_code, {v_cols}, {', '.join(f'p_{i.id}' for i in method.indicators)}, score, rnk,
       CASE WHEN complete THEN CASE {' '.join(grades)} END END AS grade
FROM r"""


def scale_of(population: list[dict], amounts: list[str]) -> int:
    """The most decimal places any amount carries (so scaling to integers is exact)."""
    places = 0
    for row in population:
        for a in amounts:
            v = row.get(a)
            if v is not None:
                exponent = Decimal(v).as_tuple().exponent
                if isinstance(exponent, int) and -exponent > places:
                    places = -exponent
    return places


def inputs_table(population: list[dict], amounts: list[str], scale: int):
    import pyarrow as pa

    cols = {"uscc": [r["uscc"] for r in population], "region_code": [r["region_code"] for r in population],
            "industry_code": [r["industry_code"] for r in population]}
    for a in amounts:
        cols[a] = [None if r.get(a) is None else Decimal(r[a]) for r in population]
    schema = pa.schema([("uscc", pa.string()), ("region_code", pa.string()), ("industry_code", pa.string())]
                       + [(a, pa.decimal128(38, scale)) for a in amounts])
    return pa.table(cols, schema=schema)
