"""A period's figure completed from its months and quarters in SQL equals the scalar facts
builder's (facts.period_value): given figure first, else the sum of the parts (flows) or the last
part (stocks), unknown when a part is missing (rules/period_parts.py)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from zhida.enterprises import uscc
from zhida.enterprises.facts import period_value
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import load_default_policies
from zhida.rules import periods
from zhida.rules.period_parts import completions, part_columns

AS_OF = dt.date(2022, 12, 31)
VAT = "small_scale_sales_at_3pct"
WINDOW = periods.parse_period("2022-04-01..2022-12-31")
MONTHS = [f"2022-{m:02d}" for m in range(4, 13)]

CASES = {  # figures by period key (sales of the window; revenue and employees of 2021)
    "whole": {"2022-04-01..2022-12-31": 900},
    "months": {m: 100 for m in MONTHS},
    "quarters": {"2022Q2": 300, "2022Q3": 300, "2022Q4": 300},
    "quarter_then_months": {"2022Q2": 300, **{m: 100 for m in MONTHS[3:]}},
    "a_month_missing": {m: 100 for m in MONTHS if m != "2022-08"},
    "whole_wins": {"2022-04-01..2022-12-31": 5, **{m: 100 for m in MONTHS}},
    "nothing": {},
}


def _profile(key: str, window: dict) -> EnterpriseProfile:
    figures = {k: {"other": {VAT: v}} for k, v in window.items()}
    if key == "months":  # 2021 by quarters: revenue (a flow) adds up, employees (a stock) is Q4's
        for q, (revenue, employees) in enumerate(((10, 5), (20, 6), (30, 7), (40, 8)), start=1):
            figures[f"2021Q{q}"] = {"revenue": revenue, "employees": employees, "other": {}}
    serial = f"{list(CASES).index(key) + 1:08d}"
    return EnterpriseProfile.model_validate({"uscc": uscc.make("9", "1", "140902", serial), "name": key,
                                             "region_code": "140902", "industry_code": "F5212",
                                             "entity_type": "enterprise", "figures": figures})


def _columns(profiles: dict[str, EnterpriseProfile], catalogue) -> pa.Table:
    """The facts table a Parquet input would be: one column per figure given (fact__p<key>)."""
    cols: dict[str, list] = {"case": list(profiles)}
    for i, p in enumerate(profiles.values()):
        for key, fig in p.figures.items():
            given = {**{k: v for k, v in fig.model_dump(exclude={"other"}).items() if v is not None}, **fig.other}
            for name, value in given.items():
                name = {"employees": "employees", "revenue": "revenue"}.get(name, name)
                column = catalogue.get(f"{name}@{periods.parse_period(key).key}").column
                cols.setdefault(column, [None] * len(profiles))[i] = value
    return pa.table({c: pa.array(v, pa.string() if c == "case" else pa.int64()) for c, v in cols.items()})


def test_completed_columns_equal_the_scalar_period_values():
    policies = load_default_policies()
    catalogue = policies.catalogue
    profiles = {k: _profile(k, v) for k, v in CASES.items()}
    table = _columns(profiles, catalogue)
    present = set(table.column_names)
    window = catalogue.get(f"{VAT}@{WINDOW.key}").column
    made = completions(catalogue, present, AS_OF)
    assert {window, "revenue", "employees", "revenue__last_year"} <= set(made)  # bare and period columns
    assert set(part_columns(catalogue, present, AS_OF)) == present - {"case", window}
    con = duckdb.connect()
    con.register("facts", table)
    got = {r[0]: r[1:] for r in con.execute(
        f'SELECT "case", {made[window]}, {made["revenue"]}, {made["employees"]} FROM facts').fetchall()}
    for key, profile in profiles.items():
        want = (period_value(profile, VAT, WINDOW), period_value(profile, "revenue", periods.year(2021)),
                period_value(profile, "employees", periods.year(2021)))
        assert got[key] == want, key  # (Decimal('900.00') == 900)
    assert got["months"][0] == got["quarters"][0] == got["quarter_then_months"][0] == 900
    assert got["whole_wins"][0] == 5 and got["a_month_missing"][0] is None and got["nothing"][0] is None
    assert got["months"][1:] == (100, 8)  # 2021 revenue = its quarters' sum; employees = Q4's


def test_no_part_columns_no_completion():
    policies = load_default_policies()
    assert completions(policies.catalogue, {"uscc", "revenue", "small_scale_sales_at_3pct__p20220401_20221231"},
                       AS_OF) == {}
