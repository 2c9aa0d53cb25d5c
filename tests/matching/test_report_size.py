"""A checkup report stays compact: concepts are named in every text, never expanded inline.

An expanded size_class_300 (中小企业划型, ~10,000 nodes of CASE/industry_line_300) once made one
amount text ~30 KB and every report ~220 KB; the API sends the whole report per request.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from zhida.config import PROJECT_ROOT
from zhida.enterprises.generate import generate, row_to_profile
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import formula_text, match_enterprise
from zhida.matching.report import report_json
from zhida.rules.present import amount_text

AS_OF = date(2022, 12, 31)
# words that only appear when a concept's definition is rendered instead of its name
EXPANDED = ("industry_line_300", "CASE", "WHEN")
PER_RESULT_BYTES = 12_000  # the largest result today is ~4.5 KB; an inline expansion is ~30 KB
REPORT_BYTES = 400_000  # 125 measures with reasons, quotes and near-misses: ~150-300 KB


def _texts(value):
    """Every string of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _profiles():
    examples = sorted((PROJECT_ROOT / "docs/examples/profiles").glob("*.json"))
    yield from (EnterpriseProfile.from_json(p.read_bytes()) for p in examples)
    yield from (row_to_profile(r, AS_OF) for r in generate(12, 5, AS_OF).table.to_pylist())


@pytest.fixture(scope="module")
def reports(policies):
    return [report_json(match_enterprise(p, AS_OF, policies=policies), AS_OF, policies) for p in _profiles()]


def test_no_text_expands_a_concept(reports):
    for report in reports:
        for result in report["results"]:
            for text in _texts({k: v for k, v in result.items() if k not in ("sources", "open_criteria")}):
                assert not any(word in text for word in EXPANDED), (result["measure_id"], text[:200])


def test_reports_stay_small(reports):
    for report in reports:
        body = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode()
        assert len(body) < REPORT_BYTES
        for result in report["results"]:
            size = len(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode())
            assert size < PER_RESULT_BYTES, (result["measure_id"], size)


def test_amount_formula_names_the_size_class_concept(policies):
    """A measure whose amount reads a size-class concept (300号, or the deferral's 年销售额 划型)
    shows it by its label, in a short text."""
    using = []
    for name in ("size_class_300", "manufacturing_deferral_size"):
        concept = policies.concepts[name]
        using += [(m, concept) for m in policies.measures.values()
                  if m.amount is not None and name in " ".join(str(v) for v in m.amount.text.values())]
    assert using, "the seed policies have amounts depending on a size class"
    for m, concept in using:
        for text in (formula_text(m, policies), amount_text(m, policies)):  # match reasons; measures show
            assert concept.label_zh in text, text
            assert len(text) < 300 and "industry_line_300" not in text and "deferral_annual_sales" not in text, text
