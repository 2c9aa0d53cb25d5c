"""`zhida generate --store`: a stored generated profile checks up exactly as its Parquet row runs
in the batch — earlier years, the VAT window's sales (given whole, by months or by quarters) and
the other period figures included."""

from __future__ import annotations

from sqlalchemy import select

from zhida.batch.engines import STATUS_NAMES, DuckDBEngine
from zhida.batch.packed import read_pairs
from zhida.enterprises.generate import generate, store_population, write_parquet
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.matching.match import match_enterprise
from zhida.rules.expr import columns
from zhida.store import open_store

from .conftest import AS_OF


def test_stored_generated_profiles_check_up_as_their_batch_rows(policies, tmp_path):
    population = generate(150, 23, AS_OF)
    facts = write_parquet(population, tmp_path / "facts.parquet")
    store = open_store(f"sqlite:///{tmp_path / 'zhida.db'}")
    try:
        store_population(population, store)
        with store.transaction() as session:
            profiles = [EnterpriseProfile.model_validate(e.profile_json) for e in session.scalars(select(Enterprise))]
    finally:
        store.close()
    assert len(profiles) == 150
    multi_year = sum(len([k for k in p.figures if str(k) != str(AS_OF.year - 1)]) > 0 for p in profiles)
    window = sum("2022-04-01..2022-12-31" in p.figures for p in profiles)
    monthly = sum("2022-05" in p.figures for p in profiles)
    quarterly = sum("2022Q3" in p.figures for p in profiles)
    # the stored profiles carry the period figures: earlier years, and the VAT window given whole,
    # by months or by quarters (its amount then adds them up, in the checkup and in the batch)
    assert multi_year > 100 and window > 40 and monthly > 20 and quarterly > 10, (multi_year, window, monthly, quarterly)
    measures = list(policies.measures.values())
    out = tmp_path / "results.parquet"
    DuckDBEngine().run(policies, measures, AS_OF, facts, out)
    rows = {(r["uscc"], r["measure"]): r for r in read_pairs(out, measures).to_pylist()}
    period_decided = 0
    for profile in profiles:
        for i, (m, ref) in enumerate(zip(measures, match_enterprise(profile, AS_OF, policies=policies))):
            got = rows.get((profile.uscc, i))
            status = STATUS_NAMES[got["status"]] if got else "not_applicable"
            assert (status, got["amount"] if got else None) == (ref.status, ref.amount.value), (profile.uscc, m.id)
            reads_period = any("@" in name for c in m.conditions for name in columns(c.expanded))
            period_decided += reads_period and status in ("eligible", "ineligible")
    assert period_decided > 0  # measures reading earlier years or the VAT window were decided
