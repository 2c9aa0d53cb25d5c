"""Push lists read from a run for a screen: per measure, eligible enterprises filtered by district
and industry (GB/T 4754 prefix with or without its 门类 letter), counts and exact totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.batch.engines import STATUS_CODES
from zhida.batch.pushlists import measure_lists
from zhida.batch.runner import run_batch
from zhida.enterprises import industries

from .conftest import AS_OF


@pytest.fixture(scope="module")
def run(policies, population, tmp_path_factory):
    return run_batch(AS_OF, tmp_path_factory.mktemp("runs"), input_path=population, store_url=False,
                     pushlists=False).run


def _eligible(run) -> dict[str, dict[str, Decimal | None]]:
    ids = [m["id"] for m in run.manifest["measures"]]
    out: dict[str, dict] = {}
    for r in run.pairs().to_pylist():
        if r["status"] == STATUS_CODES["eligible"]:
            out.setdefault(ids[r["measure"]], {})[r["uscc"]] = r["amount"]
    return out


def test_lists_are_the_eligible_pairs_with_exact_totals(run):
    eligible = _eligible(run)
    ids = list(eligible)
    lists = measure_lists(run, ids)
    assert set(lists) == set(ids)
    for mid, entry in lists.items():
        assert {r["uscc"] for r in entry["rows"]} == set(eligible[mid]) and entry["count"] == len(eligible[mid])
        known = [a for a in eligible[mid].values() if a is not None]
        assert entry["total"] == (sum(known, Decimal(0)) if known else None)
        amounts = [r["amount"] for r in entry["rows"] if r["amount"] is not None]
        assert amounts == sorted(amounts, reverse=True)  # largest first
    limited = measure_lists(run, ids, limit=2)
    assert all(len(e["rows"]) <= 2 and e["count"] == lists[m]["count"] for m, e in limited.items())


def test_district_and_industry_filters(run):
    ids = list(_eligible(run))
    everything = [(m, r) for m, e in measure_lists(run, ids).items() for r in e["rows"]]
    chaoyang = measure_lists(run, ids, district="110105")
    assert chaoyang and all(r["region_code"] == "110105" for e in chaoyang.values() for r in e["rows"])
    assert sum(e["count"] for e in chaoyang.values()) == sum(r["region_code"] == "110105" for _, r in everything)
    section = industries.section_of_division()
    for code, keep in (("C", lambda d: section[d[:2]] == "C"), ("c39", lambda d: d.startswith("39")),
                       ("39", lambda d: d.startswith("39")), ("A39", lambda d: False), ("X", lambda d: False),
                       ("'; DROP", lambda d: False)):
        got = {(m, r["uscc"]) for m, e in measure_lists(run, ids, industry=code).items() for r in e["rows"]}
        assert got == {(m, r["uscc"]) for m, r in everything if keep(r["industry_code"])}, code
    assert measure_lists(run, ids, industry="C")  # manufacturing is there: the filters were not vacuous
    assert measure_lists(run, ["no.such-measure"]) == {}
