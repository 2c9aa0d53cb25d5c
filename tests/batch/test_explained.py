"""The one-pass explained output (reasons as condition codes, labels resolved when read) equals the
scalar explainer's results, with each failing / unknown condition's label as its reason."""

from __future__ import annotations

import pyarrow.parquet as pq

from zhida.batch.engines import STATUS_NAMES
from zhida.batch.explained import read_explained, write_explained
from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.generate import row_to_profile
from zhida.matching.evaluator import compiled, evaluate_measure, new_evaluator

from .conftest import AS_OF

MEASURES = ("xz2022.first-set-equipment-subsidy", "cy2022.bse-listing-subsidy", "xz2022.six-taxes-two-fees",
            "xz2022.small-scale-vat-exemption", "zjtx2021.listing-subsidy")


def test_explained_rows_equal_the_scalar_explainer(policies, population, tmp_path):
    measures = [policies.measure(m) for m in MEASURES]
    rows = write_explained(policies, measures, AS_OF, population, tmp_path / "explained.parquet")
    assert rows == pq.read_metadata(population).num_rows
    facts = {r["uscc"]: r for r in pq.read_table(population).to_pylist()}
    reasons = statuses = 0
    for row in read_explained(tmp_path / "explained.parquet").to_pylist():
        values = profile_to_facts(row_to_profile(facts[row["uscc"]], AS_OF), AS_OF,
                                  period_names=policies.catalogue.period_names())
        ev = new_evaluator(values, AS_OF, policies)
        for m in measures:
            got = evaluate_measure(compiled(m, policies), ev)
            assert (row[f"{m.id}:status"], row[f"{m.id}:amount"]) == (got.status, got.amount), (row["uscc"], m.id)
            for kind, value in (("failing", False), ("unknown", None)):
                wanted = [k for k, v in enumerate(got.conditions) if v is value]
                mask = row[f"{m.id}:{kind}"]
                if got.status == "not_applicable":  # no reasons for a measure that does not apply
                    assert mask is None and row[f"{m.id}:{kind}_reasons"] is None
                    continue
                assert mask == sum(1 << k for k in wanted)
                assert row[f"{m.id}:{kind}_reasons"] == ("；".join(m.conditions[k].label for k in wanted) or None)
                reasons += bool(wanted)
            statuses += got.status != "not_applicable"
    assert reasons > 100 and statuses > 500


def test_explanations_off_write_status_codes_and_amounts(policies, population, tmp_path):
    measures = [policies.measure(m) for m in MEASURES]
    write_explained(policies, measures, AS_OF, population, tmp_path / "on.parquet")
    write_explained(policies, measures, AS_OF, population, tmp_path / "off.parquet", reasons=False)
    on, off = read_explained(tmp_path / "on.parquet"), pq.read_table(tmp_path / "off.parquet")
    assert off.column_names[0] == "uscc" and len(off.column_names) < len(on.column_names)
    codes = {r["uscc"]: r for r in off.to_pylist()}
    for row in on.to_pylist():
        for i, m in enumerate(measures):
            code = codes[row["uscc"]][f"s{i}"]
            assert row[f"{m.id}:status"] == (STATUS_NAMES[code] if code else "not_applicable")
            assert row[f"{m.id}:amount"] == codes[row["uscc"]].get(f"amount{i}")
