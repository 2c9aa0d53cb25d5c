"""The one-pass explained wide output equals the long batch results, with each failing / unknown
condition's label as its reason."""

from __future__ import annotations

import pyarrow.parquet as pq

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine
from zhida.batch.explained import write_explained

from .conftest import AS_OF

MEASURES = ("xz2022.first-set-equipment-subsidy", "cy2022.bse-listing-subsidy", "xz2022.six-taxes-two-fees",
            "xz2022.small-scale-vat-exemption", "zjtx2021.listing-subsidy")


def test_explained_rows_equal_the_long_results(policies, population, tmp_path):
    measures = [policies.measure(m) for m in MEASURES]
    rows = write_explained(policies, measures, AS_OF, population, tmp_path / "explained.parquet")
    assert rows == pq.read_metadata(population).num_rows
    DuckDBEngine().run(policies, measures, AS_OF, population, tmp_path / "long.parquet")
    long = {(r["uscc"], r["measure"]): r for r in pq.read_table(tmp_path / "long.parquet").to_pylist()}
    reasons = statuses = 0
    for row in pq.read_table(tmp_path / "explained.parquet").to_pylist():
        for i, m in enumerate(measures):
            pair = long.get((row["uscc"], i))
            status = STATUS_NAMES[pair["status"]] if pair else "not_applicable"
            assert row[f"{m.id}:status"] == status
            assert row[f"{m.id}:amount"] == (pair["amount"] if pair else None)
            for kind in ("failing", "unknown"):
                mask = pair[kind] if pair else None
                assert row[f"{m.id}:{kind}"] == mask
                labels = [c.label for k, c in enumerate(m.conditions) if (mask or 0) >> k & 1]
                assert row[f"{m.id}:{kind}_reasons"] == ("；".join(labels) or None)
                reasons += bool(labels)
            statuses += status != "not_applicable"
    assert reasons > 100 and statuses > 500
