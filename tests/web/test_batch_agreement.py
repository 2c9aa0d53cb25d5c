"""The web's batch job (zhida.batch over the stored enterprises) gives, for every enterprise ×
measure, the status and amount of one-enterprise matching (zhida.matching.match.match_enterprise),
and its push lists are exactly the eligible pairs of enterprise benefits.

Generated profiles hold at most one event of each type, so the batch's event in focus (the latest)
is the only one match_enterprise can pick: the two must agree exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from zhida.batch.engines import STATUS_NAMES
from zhida.enterprises.generate import generate, store_population
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.matching.match import load_default_policies, match_enterprise
from zhida.web import push_lists
from zhida.web.app import create_app
from zhida.web.deps import Principal
from zhida.jobs.batch import JobRegistry

AS_OF = dt.date(2022, 12, 31)
COUNT = 300


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    home = tmp_path_factory.mktemp("agreement")
    app = create_app(f"sqlite:///{home / 'zhida.sqlite3'}", secret=b"test-secret-" * 4)
    store = app.state.store
    stored, _ = store_population(generate(COUNT, 23, AS_OF), store)
    assert stored == COUNT
    registry = JobRegistry(out_dir=home / "batch")
    done = registry.run_batch_now(store, AS_OF, "test")
    assert done.status == "completed", done.error
    with store.sessions() as session:
        profiles = [EnterpriseProfile.model_validate(p) for p in session.scalars(select(Enterprise.profile_json))]
    yield registry.latest, profiles
    store.close()


def _pairs(result) -> dict[tuple[str, str], tuple[str, Decimal | None]]:
    ids = [m["id"] for m in result.run.manifest["measures"]]
    return {(r["uscc"], ids[r["measure"]]): (STATUS_NAMES[r["status"]], r["amount"])
            for r in result.run.pairs().to_pylist()}


def test_job_results_equal_match_enterprise(job):
    result, profiles = job
    pairs = _pairs(result)
    policies = load_default_policies()
    assert result.enterprises == len(profiles) == COUNT
    seen: dict[str, int] = {}
    for profile in profiles:
        for expected in match_enterprise(profile, AS_OF, policies=policies):
            got = pairs.get((profile.uscc, expected.measure_id), ("not_applicable", None))
            assert got == (expected.status, expected.amount.value), (profile.uscc, expected.measure_id)
            seen[expected.status] = seen.get(expected.status, 0) + 1
    assert len(pairs) == sum(n for s, n in seen.items() if s != "not_applicable")  # no pair beyond these
    assert seen["eligible"] > 200 and seen["undetermined"] > 200 and seen["ineligible"] > 200
    counts = result.counts  # the job's per-measure results, as the API gives them
    for status in ("eligible", "ineligible", "undetermined"):
        assert sum(c[status] for c in counts.values()) == seen[status]


def test_push_lists_are_the_eligible_benefit_pairs(job):
    result, profiles = job
    admin = Principal(1, "admin", "admin", None, (), None, None)
    lists = push_lists.build(result, admin)
    listed = {(m["measure_id"], e["uscc"]): e["amount"] for m in lists for e in m["enterprises"]}
    benefits = {m.id for m in load_default_policies().measures.values() if m.enterprise_benefit}
    expected = {(mid, uscc): None if amount is None else f"{amount:.2f}"
                for (uscc, mid), (status, amount) in _pairs(result).items() if status == "eligible" and mid in benefits}
    assert listed == expected and listed
    for m in lists:
        known = [Decimal(e["amount"]) for e in m["enterprises"] if e["amount"] is not None]
        assert Decimal(m["total"]) == sum(known, Decimal(0)) and m["count"] == len(m["enterprises"])
