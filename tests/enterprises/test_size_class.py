"""The size class comes from the rules package's 300号 concept, at its boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.enterprises.size_class import derive_size_class

WAN = Decimal(10000)


@pytest.mark.parametrize("industry, employees, revenue_wan, assets_wan, expected", [
    # 工业: 中型 = 300人及以上 且 2000万元及以上; 小型 = 20人 且 300万元; 大型 = 1000人 且 40000万元
    ("C3911", 300, 2000, None, "medium"),
    ("C3911", 299, 2000, None, "small"),
    ("C3911", 300, Decimal("1999.99"), None, "small"),
    ("C3911", 20, 300, None, "small"),
    ("C3911", 19, 300, None, "micro"),
    ("C3911", 20, Decimal("299.99"), None, "micro"),
    ("C3911", 1000, 40000, None, "large"),
    ("C3911", 999, 40000, None, "medium"),
    ("3911", 5, None, None, "micro"),  # fewer than 20 people: micro whatever the revenue
    ("C3911", 500, None, None, None),  # medium or large or small: revenue decides → unknown
    # 零售业: 小型 = 10人 且 100万元
    ("F52", 10, 100, None, "small"),
    ("F52", 9, 100, None, "micro"),
    # 租赁和商务服务业 uses total assets, not revenue
    ("L72", 10, None, 100, "small"),
    ("L72", 10, None, Decimal("99.99"), "micro"),
    # 房地产业 without 中类 cannot be placed on a line; 金融业 is outside 300号
    ("K70", 50, 100, 100, None),
    ("J66", 50, 100, 100, None),
])
def test_boundaries(industry, employees, revenue_wan, assets_wan, expected):
    revenue = None if revenue_wan is None else Decimal(revenue_wan) * WAN
    assets = None if assets_wan is None else Decimal(assets_wan) * WAN
    assert derive_size_class(industry, employees, revenue, assets) == expected


# --- set-based (one DuckDB query, the rules SQL back end) against the scalar rules evaluator ------

import datetime as dt  # noqa: E402
import random  # noqa: E402

from sqlglot import exp  # noqa: E402

from zhida.enterprises.generate import generate  # noqa: E402
from zhida.enterprises.size_class import CONCEPT, _policies, size_classes, size_classes_of_table  # noqa: E402
from zhida.rules.evaluate import Evaluator  # noqa: E402
from zhida.rules.expr import name_of  # noqa: E402

AS_OF = dt.date(2022, 12, 31)


def rules_size_class(industry, employees, revenue, assets):
    """The reference: the rules package's own (tracing) scalar evaluator."""
    digits = (industry or "").lstrip("ABCDEFGHIJKLMNOPQRST") or None
    facts = {"industry_code": digits, "employees": employees, "revenue": revenue, "total_assets": assets}
    return Evaluator(facts, AS_OF, _policies()).lookup(CONCEPT)


def test_set_based_gives_the_boundary_table_above():
    cases = test_boundaries.pytestmark[0].args[1]
    figures = [(i, e, None if r is None else Decimal(r) * WAN, None if a is None else Decimal(a) * WAN)
               for i, e, r, a, _ in cases]
    assert size_classes(figures) == [expected for *_, expected in cases]


def _thresholds() -> dict[str, list]:
    """Every number the concept compares each figure with, read from the concept itself."""
    found: dict[str, set] = {"employees": set(), "revenue": set(), "total_assets": set()}
    for node in _policies().concepts[CONCEPT].ast.find_all(exp.GTE, exp.GT, exp.LT, exp.LTE):
        if isinstance(node.this, exp.Column) and isinstance(node.expression, exp.Literal):
            name = name_of(node.this)
            if name in found:
                found[name].add(Decimal(node.expression.this))
    return {k: sorted(v) for k, v in found.items()}


# one industry per 300号 line (and two outside it)
LINES = ["A0111", "C3911", "E4710", "F51", "F52", "G5311", "G5920", "G60", "H61", "H62", "I63", "I65",
         "K7010", "K7020", "K7090", "L72", "M73", "J66", "S91", None]


def test_set_based_equals_scalar_at_every_300_boundary():
    limits = _thresholds()
    assert len(limits["employees"]) >= 8 and len(limits["revenue"]) >= 15 and limits["total_assets"]
    people = [None, 0] + sorted({int(x) + d for x in limits["employees"] for d in (-1, 0)})
    money = {k: [None, Decimal("0.00")] + sorted({x + d for x in limits[k] for d in (Decimal("-0.01"), 0)})
             for k in ("revenue", "total_assets")}
    rng = random.Random(300)
    grid = [(line, rng.choice(people), rng.choice(money["revenue"]), rng.choice(money["total_assets"]))
            for line in LINES for _ in range(400)]
    # each threshold exactly, with the other figures just past every line's bound
    grid += [(line, e, r, a) for line in LINES for e in people for r, a in ((Decimal(10) ** 10, Decimal(10) ** 10),)]
    grid += [(line, 5000, r, r) for line in LINES for r in money["revenue"]]
    grid += [(line, 5000, Decimal(10) ** 10, a) for line in LINES for a in money["total_assets"]]
    set_based = size_classes(grid)
    assert set(set_based) == {None, "large", "medium", "small", "micro"}
    assert set_based == [derive_size_class(*f) for f in grid]  # the fast single-profile path
    sample = rng.sample(range(len(grid)), 150)
    assert [set_based[i] for i in sample] == [rules_size_class(*grid[i]) for i in sample]


def test_set_based_equals_scalar_on_generated_enterprises():
    table = generate(3_000, 11, AS_OF).table
    set_based = size_classes_of_table(table)
    rows = table.select(["industry_code", "employees", "revenue", "total_assets"]).to_pylist()
    figures = [(r["industry_code"], r["employees"], r["revenue"], r["total_assets"]) for r in rows]
    assert set_based == [derive_size_class(*f) for f in figures]
    # the tracing reference on a few hundred, every non-micro one included
    rare = [i for i, s in enumerate(set_based) if s != "micro"]
    chosen = sorted(set(rare[:200]) | set(range(100)))
    assert {set_based[i] for i in chosen} == {None, "large", "medium", "small", "micro"}
    assert [set_based[i] for i in chosen] == [rules_size_class(*figures[i]) for i in chosen]


def test_nothing_to_classify_is_an_empty_answer():
    assert size_classes([]) == []
