"""Staff judgements of open criteria (profile ``judgements``) change batch results exactly as they
change a checkup: DuckDB, PostgreSQL and Spark read the exported ``open__<id>`` columns (issue 9 §2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine, PostgresEngine, SparkEngine
from zhida.batch.packed import read_pairs
from zhida.enterprises.facts import profiles_to_table
from zhida.enterprises.profile import EnterpriseProfile, Judgement
from zhida.matching.match import match_enterprise
from zhida.rules.engine import judged_ids

from .conftest import AS_OF

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "profiles"


def _open_eligible(profile, policies) -> list[str]:
    """Open criteria that eligible results of ``profile`` still depend on (judged ones excluded)."""
    return sorted({o["id"] for r in match_enterprise(profile, AS_OF, policies=policies)
                   if r.status == "eligible" for o in r.open_criteria})


@pytest.fixture(scope="module")
def judged(policies, tmp_path_factory):
    """The example profiles: the first judged 'not met' on every open criterion it depends on, the
    second 'met' on all of them, the third 'not met' on one; the others unjudged. Facts Parquet
    as ``zhida batch`` exports the store (export_enterprises)."""
    profiles = [EnterpriseProfile.from_json(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    verdicts = ({"met": False}, {"met": True}, {"met": False, "one": True})
    changed = 0
    for profile, verdict in zip(profiles, verdicts):
        ids = _open_eligible(profile, policies)
        assert ids, profile.uscc  # the example depends on an open criterion
        ids = ids[:1] if verdict.get("one") else ids
        before = {r.measure_id: r.status for r in match_enterprise(profile, AS_OF, policies=policies)}
        profile.judgements = {i: Judgement(met=verdict["met"], by="区科信局") for i in ids}
        after = {r.measure_id: r.status for r in match_enterprise(profile, AS_OF, policies=policies)}
        changed += sum(before[m] != after[m] for m in before)
    assert changed > 0  # the judgements really change checkups
    path = tmp_path_factory.mktemp("judged") / "facts.parquet"
    table = profiles_to_table(profiles, AS_OF, judgements=judged_ids(list(policies.measures.values())))
    pq.write_table(table, path)
    return profiles, path


def _check(engine, policies, judged, out: Path) -> None:
    profiles, path = judged
    measures = list(policies.measures.values())
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    engine.run(policies, measures, AS_OF, path, out)
    rows = {(r["uscc"], r["measure"]): r for r in read_pairs(out, measures).to_pylist()}
    for profile in profiles:
        for i, (m, ref) in enumerate(zip(measures, match_enterprise(profile, AS_OF, policies=policies))):
            got = rows.get((profile.uscc, i))
            status = STATUS_NAMES[got["status"]] if got else "not_applicable"
            assert (status, got["amount"] if got else None) == (ref.status, ref.amount.value), (profile.uscc, m.id)
            if ref.status == "eligible":
                open_ids = [o.id for k, o in enumerate(m.open_criteria) if int(got["open"] or 0) >> k & 1]
                assert sorted(open_ids) == sorted(o["id"] for o in ref.open_criteria), (profile.uscc, m.id)


def test_duckdb_reads_judgements(policies, judged, tmp_path):
    _check(DuckDBEngine(), policies, judged, tmp_path / "duck" / "results.parquet")


def test_postgres_reads_judgements(policies, judged, tmp_path, pg_url):
    _check(PostgresEngine(pg_url), policies, judged, tmp_path / "pg" / "results.parquet")


@pytest.mark.spark
def test_spark_reads_judgements(policies, judged, tmp_path):
    _check(SparkEngine(), policies, judged, tmp_path / "spark" / "results.parquet")
