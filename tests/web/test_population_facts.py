"""The what-if facts file is reused only while the stored enterprises are unchanged, whoever
changed them: the state is read from the database, not from this process's memory."""

from __future__ import annotations

import datetime as dt

from zhida.batch import population
from zhida.web import enterprise_data
from zhida.web.deps import Principal

from .enterprise_seed import USCC_B, seed

AS_OF = dt.date(2022, 12, 31)
# Another process's writer: nothing of this process's web state is involved.
OTHER = Principal(user_id=0, username="other-process", role="admin", display_name=None, units=(), region=None,
                  uscc=None)


def test_an_edit_by_any_writer_makes_a_new_facts_file(server):
    seed(server.app)
    store = server.app.state.store
    first = population.facts_file(store, AS_OF)
    assert population.facts_file(store, AS_OF) == first  # unchanged store: the same file

    stored = enterprise_data.get(store, USCC_B)
    enterprise_data.save_profile(store, OTHER, USCC_B, stored.profile, action="supply_fact", detail="test")

    second = population.facts_file(store, AS_OF)
    assert second != first
    assert not first.exists()  # the stale export is removed, not left behind


def test_another_process_reuses_the_kept_export(server, monkeypatch, tmp_path):
    """`zhida simulate` or a restarted server (here: this process's memory cleared) finds the export
    kept under $ZHIDA_HOME/facts for the same store state, and reads no profile again."""
    import pyarrow.parquet as pq

    from zhida.batch import store as batch_store

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path))
    population._FILES.clear()
    seed(server.app)
    store = server.app.state.store
    first = population.facts_file(store, AS_OF)
    kept = population.kept_path(store, population.state_key(store, AS_OF))
    assert kept.is_file() and pq.read_table(kept).equals(pq.read_table(first))

    population._FILES.clear()

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(batch_store, "export_enterprises", no_export)
    assert population.facts_file(store, AS_OF) == kept
