"""Concepts: YAML cases and the 工信部联企业〔2011〕300号 table line by line, on both evaluators."""

from datetime import date

import pytest

from zhida.rules import load_policies
from zhida.rules.cases import concept_value_scalar, concept_values_sql

POLICIES = load_policies()
AS_OF = date(2022, 8, 1)

# The regulation's article 4, restated independently of the YAML: line → (a GB/T 4754-2017
# code of that line, 中小微 upper limits (X以下), 中型 lower bounds, 小型 lower bounds).
E, R, A = "employees", "revenue", "total_assets"
TABLE = {
    "agriculture": ("0111", {R: 200000000}, {R: 5000000}, {R: 500000}),
    "industry": ("1311", {E: 1000, R: 400000000}, {E: 300, R: 20000000}, {E: 20, R: 3000000}),
    "construction": ("4710", {R: 800000000, A: 800000000}, {R: 60000000, A: 50000000}, {R: 3000000, A: 3000000}),
    "wholesale": ("5111", {E: 200, R: 400000000}, {E: 20, R: 50000000}, {E: 5, R: 10000000}),
    "retail": ("5211", {E: 300, R: 200000000}, {E: 50, R: 5000000}, {E: 10, R: 1000000}),
    "transport": ("5411", {E: 1000, R: 300000000}, {E: 300, R: 30000000}, {E: 20, R: 2000000}),
    "warehousing": ("5920", {E: 200, R: 300000000}, {E: 100, R: 10000000}, {E: 20, R: 1000000}),
    "postal": ("6010", {E: 1000, R: 300000000}, {E: 300, R: 20000000}, {E: 20, R: 1000000}),
    "accommodation": ("6110", {E: 300, R: 100000000}, {E: 100, R: 20000000}, {E: 10, R: 1000000}),
    "catering": ("6210", {E: 300, R: 100000000}, {E: 100, R: 20000000}, {E: 10, R: 1000000}),
    "info_transmission": ("6311", {E: 2000, R: 1000000000}, {E: 100, R: 10000000}, {E: 10, R: 1000000}),
    "software_it": ("6510", {E: 300, R: 100000000}, {E: 100, R: 10000000}, {E: 10, R: 500000}),
    "real_estate_dev": ("7010", {R: 2000000000, A: 100000000}, {R: 10000000, A: 50000000}, {R: 1000000, A: 20000000}),
    "property_mgmt": ("7020", {E: 1000, R: 50000000}, {E: 300, R: 10000000}, {E: 100, R: 5000000}),
    "leasing_business": ("7111", {E: 300, A: 1200000000}, {E: 100, A: 80000000}, {E: 10, A: 1000000}),
    "other": ("7310", {E: 300}, {E: 100}, {E: 10}),
}


def _boundary_cases():
    """At each class's lower bounds → that class; one unit below on one indicator → one class down."""
    cases = []
    for line, (code, upper, medium, small) in TABLE.items():
        for cls, bounds, below in (("large", upper, "medium"), ("medium", medium, "small"), ("small", small, "micro")):
            facts = {"industry_code": code, **bounds}
            cases.append((f"{line}: {cls} at bounds", facts, cls))
            for indicator in bounds:
                cases.append((f"{line}: {indicator} one below {cls} bound", {**facts, indicator: bounds[indicator] - 1}, below))
        cases.append((f"{line}: industry line", {"industry_code": code}, ("line", line)))
    return cases


BOUNDARY = _boundary_cases()


def _value(concept, facts, as_of=AS_OF):
    return concept_value_scalar(POLICIES, concept, facts, as_of)


@pytest.mark.parametrize("name,facts,expected", BOUNDARY, ids=[b[0] for b in BOUNDARY])
def test_300_table_line_by_line_scalar(name, facts, expected):
    if isinstance(expected, tuple):
        assert _value("industry_line_300", facts) == expected[1]
    else:
        assert _value("size_class_300", facts) == expected


def test_300_table_line_by_line_duckdb_agrees():
    items = [("industry_line_300" if isinstance(exp, tuple) else "size_class_300", facts, AS_OF)
             for _, facts, exp in BOUNDARY]
    sql = concept_values_sql(POLICIES, items)
    expected = [exp[1] if isinstance(exp, tuple) else exp for _, _, exp in BOUNDARY]
    assert sql == expected


def test_300_all_sixteen_lines_and_three_boundaries_each():
    assert len(TABLE) == 16
    assert len(BOUNDARY) == 16 * 4 + sum(len(u) + len(m) + len(s) for _, u, m, s in TABLE.values())


def test_missing_indicator_leaves_class_unknown_not_micro():
    assert _value("size_class_300", {"industry_code": "1311", "revenue": 500000000}) is None
    assert _value("size_class_300", {"industry_code": "1311", "revenue": 2000000}) == "micro"  # one indicator suffices
    assert _value("sme_300", {"industry_code": "1311", "employees": 10}) is True


CONCEPT_CASES = POLICIES.concept_cases


@pytest.mark.parametrize("case", CONCEPT_CASES, ids=[f"{c['_file']}: {c['name']}" for c in CONCEPT_CASES])
def test_concept_case_scalar(case):
    as_of = case.get("as_of", AS_OF)
    assert _value(case["concept"], case["facts"], as_of) == case["expect"]


def test_concept_cases_duckdb_agree():
    items = [(c["concept"], c["facts"], c.get("as_of", AS_OF)) for c in CONCEPT_CASES]
    assert concept_values_sql(POLICIES, items) == [c["expect"] for c in CONCEPT_CASES]


def test_equipment_deduction_sme_or_rule():
    # 000 （七）: 1000人以下 或 营业收入4亿元以下 — either limit suffices
    base = {"industry_code": "3411"}
    assert _value("sme_equipment_deduction", {**base, "employees": 1500, "revenue": 300000000}) is True
    assert _value("sme_equipment_deduction", {**base, "employees": 1500, "revenue": 500000000}) is False
    assert _value("sme_equipment_deduction", {**base, "employees": 900, "revenue": 500000000}) is True


# --- issue 9 §3: 以下/以上 decided per source; the 300号 table against its published text -------------

def _concept_raw():
    from zhida import config
    from zhida.rules.yamlio import load_yaml

    out = {}
    for path in sorted((config.PROJECT_ROOT / "policies/concepts").glob("*.yaml")):
        data = load_yaml(path) or {}
        out.update({c["name"]: c for c in data.get("concepts") or []})
        if "published_text_comparison" in data:
            out["__comparison__"] = data["published_text_comparison"]
    return out


def test_every_concept_whose_source_says_yixia_yishang_records_its_reading():
    import re

    for name, c in _concept_raw().items():
        if name.startswith("__"):
            continue
        sources = c["source"] if isinstance(c["source"], list) else [c["source"]]
        text = " ".join(str(s.get("text") or s.get("quote") or "") for s in sources)
        if re.search(r"以下|以上", text):
            assert c.get("reading") and c["reading"].get("basis"), name
    assert "第一百零八条" in _concept_raw()["size_class_300"]["reading"]["basis"]


def test_300_table_compared_line_by_line_and_expr_uses_each_lines_figures():
    import re
    from decimal import Decimal

    raw = _concept_raw()
    comparison = raw["__comparison__"]
    assert len(comparison["lines"]) == 16 and all(line["result"] == "same" for line in comparison["lines"])
    assert comparison["differences"] == "none"
    text = raw["size_class_300"]["source"]["text"]
    expr = raw["size_class_300"]["expr"]
    lines = re.findall(r"（[一二三四五六七八九十]+）([^。]+)。([^（]*)", text)
    assert len(lines) == 16
    names = ["agriculture", "industry", "construction", "wholesale", "retail", "transport", "warehousing", "postal",
             "accommodation", "catering", "info_transmission", "software_it", "real_estate_dev", "property_mgmt",
             "leasing_business", "other"]
    for (title, body), name in zip(lines, names):
        stated = {Decimal(n) * (10000 if unit == "万元" else 1) for n, unit in re.findall(r"(\d+)(人|万元)", body)}
        used = set()
        for row in expr.splitlines():
            if f"'{name}'" in row:
                used |= {Decimal(n) for n in re.findall(r"[<>]=?\s*(\d+)", row)}
        assert used and used == stated, (title, sorted(used ^ stated))
