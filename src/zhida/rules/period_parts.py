"""A period's figure from the figures of its parts, in SQL — the engines' copy of facts.period_value.

The scalar facts builder reads a yearly fact over a period as the figure given for that period,
else (a flow) the sum of its parts or (a stock) its last part, each part in turn given or made of
its own parts (a year: quarters; a quarter or a date range of whole months: quarters and months;
``Period.parts``); one unknown part leaves it unknown. A facts table may carry figures for parts
(``small_scale_sales_at_3pct__p2022_04`` … ``__p2022q4``, as ``zhida generate`` writes them); the
batch engines then read each column a rule reads (the bare yearly fact, ``fact@spec``) through
``completion``: ``COALESCE(given, part + part + …)`` over the part columns the input has, so the
same population gives the same answers on DuckDB, PostgreSQL, Spark and the scalar explainer.
Nothing is added when the input has no part column (the usual case: no cost).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from zhida.rules import periods


def parts_of(period: periods.Period) -> list[periods.Period]:
    """Every period inside ``period`` whose figure the facts builder may add up for it (its
    parts, their parts …), outermost first; [] for a month."""
    out = []
    for part in period.parts() or ():
        out.append(part)
        out += parts_of(part)
    return out


def part_names(name: str, period: periods.Period) -> list[str]:
    """``fact@key`` for every part of ``period`` (``name``: the fact's bare name)."""
    return [f"{name}{periods.SEP}{p.key}" for p in parts_of(period)]


def read_periods(catalogue, as_of: date) -> dict[str, tuple[str, periods.Period]]:
    """Column → (bare fact name, absolute period) of every yearly column a rule may read: the bare
    yearly facts (the last complete year; 本年度 facts as_of's year) and the registered
    ``fact@spec`` names."""
    from zhida.enterprises.facts import year_of

    out = {}
    for name, fact in catalogue.facts.items():
        if fact.temporal == "yearly" and not fact.event:
            y = year_of(fact, as_of)
            if y >= 1:
                out[fact.column] = (name, periods.year(y))
        elif fact.temporal == "period":
            base, spec = periods.split(name)
            period = periods.resolve(spec, as_of)
            if period is not None:
                out[fact.column] = (base, period)
    return out


def completions(catalogue, present: set[str], as_of: date, quote: str = '"',
                cast: Callable[[object], str] | None = None) -> dict[str, str]:
    """Column → SQL expression of every read column that the input gives parts for (see module).
    ``present``: the input's column names; ``cast(fact)``: the SQL type a completed column is cast
    back to (sums widen decimals)."""
    from zhida.rules.sql import SQL_TYPES

    cast = cast or (lambda fact: SQL_TYPES[fact.type])
    out = {}
    for column, (base, period) in read_periods(catalogue, as_of).items():
        fact = catalogue.get(base)
        if not any(catalogue.get(n).column in present for n in part_names(base, period)):
            continue
        parts = _parts_sql(catalogue, base, period, fact.flow, present, quote)
        given = f"{quote}{column}{quote}" if column in present else None
        combined = parts if given is None else f"COALESCE({given}, {parts})"
        out[column] = f"CAST({combined} AS {cast(fact)})"
    return out


def _parts_sql(catalogue, base: str, period: periods.Period, flow: bool, present: set[str], quote: str) -> str:
    """The period's value from its parts only (NULL when a part is unknown)."""
    terms = [_value_sql(catalogue, base, p, flow, present, quote) for p in period.parts()]
    if not flow:
        return terms[-1]  # a stock: its value at the period's end
    if any(t == "NULL" for t in terms):
        return "NULL"
    return "(" + " + ".join(terms) + ")"


def _value_sql(catalogue, base: str, period: periods.Period, flow: bool, present: set[str], quote: str) -> str:
    """The period's value: given, else from its parts (NULL when neither is in the input)."""
    column = catalogue.get(f"{base}{periods.SEP}{period.key}").column
    given = f"{quote}{column}{quote}" if column in present else None
    has_parts = period.kind != "month" and any(catalogue.get(n).column in present for n in part_names(base, period))
    if not has_parts:
        return given or "NULL"
    parts = _parts_sql(catalogue, base, period, flow, present, quote)
    return parts if given is None else f"COALESCE({given}, {parts})"


def part_columns(catalogue, present: set[str], as_of: date) -> dict[str, object]:
    """Column → Fact of every part column of a read column that the input has (what an engine
    that copies the input, PostgreSQL, must copy besides the catalogue's columns)."""
    out = {}
    for base, period in read_periods(catalogue, as_of).values():
        for name in part_names(base, period):
            fact = catalogue.get(name)
            if fact.column in present:
                out[fact.column] = fact
    return out
