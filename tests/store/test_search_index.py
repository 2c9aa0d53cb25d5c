"""The tantivy clause index on both back ends: complete ranking, the search_log outbox (catch-up
from another process, removed versions, crashes between the database and the index), rebuilds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import tantivy
from alembic import command
from sqlalchemy import create_engine, inspect, select, text

from zhida.store import ingest_document, ingest_paths, open_store, search, search_sync
from zhida.store.database import alembic_config
from zhida.store.schema import SearchLogEntry, StoreInstance
from zhida.store.search_index import STATE_FILE

from .builders import clause, document, loans_document, traditional_document


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.close()


def _ids(hits):
    return [(hit.document, hit.clause_id) for hit in hits]


def _one_clause(name: str, body: str):
    original = body + "\n"
    return document(name, original, [clause(original, "1", body)])


def test_ranking_is_complete_beyond_the_old_candidate_cap(store):
    # The best clause for 企业 is ingested first, then 2,100 weaker matches: the old index ranked
    # only the 2,000 most recently ingested matches and could not return it.
    ingest_document(store, _one_clause("001_best.txt", "企业企业企业。"))
    many = "".join(f"第{n}项：支持本地企业开展一般性的经营活动，并按规定办理相关手续。\n" for n in range(2100))
    weak = [clause(many, str(n), f"第{n}项：支持本地企业开展一般性的经营活动，并按规定办理相关手续。") for n in range(2100)]
    ingest_document(store, document("002_many.txt", many, weak))
    hits = search(store, "企业", limit=3)
    assert _ids(hits)[0] == ("001_best", "1")
    assert hits[0].score > hits[1].score
    assert len(search(store, "企业 一般性", limit=2500)) == 2100  # every match, not a capped subset


def test_another_process_sees_what_this_one_stored(store, database_url):
    ingest_document(store, loans_document(), update_index=False)  # committed; index not told yet
    script = (
        "import json, sys\n"
        "from zhida.store import open_store, search\n"
        "store = open_store(sys.argv[1])\n"
        "print(json.dumps([[h.document, h.clause_id] for h in search(store, '贷款贴息')]))\n"
    )
    # (ZHIDA_SEARCH_DIR, set for the tests, is inherited: the same index directory)
    done = subprocess.run([sys.executable, "-c", script, database_url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["010_loans", "1.1"]]
    assert _ids(search(store, "贷款贴息")) == [("010_loans", "1.1")]  # and this process reloads it


def test_a_superseded_version_is_no_longer_found(store):
    ingest_document(store, _one_clause("020_change.txt", "一、发放消费券。"))
    assert _ids(search(store, "消费券")) == [("020_change", "1")]
    ingest_document(store, _one_clause("020_change.txt", "一、发放购房补贴。"))
    assert search(store, "消费券") == []
    (hit,) = search(store, "购房补贴")
    assert (hit.document, hit.version) == ("020_change", 2)
    assert search_sync.index_for(store).size() == 1


def test_crash_after_the_database_commit_is_caught_up_by_the_next_search(store):
    ingest_document(store, loans_document())
    # A crash right after the ingest's commit: the log has the entries, the index never saw them.
    ingest_document(store, _one_clause("020_change.txt", "一、发放消费券。"), update_index=False)
    ingest_document(store, _one_clause("020_change.txt", "一、发放购房补贴。"), update_index=False)
    assert _ids(search(store, "购房补贴")) == [("020_change", "1")]
    assert search(store, "消费券") == []


def test_crash_between_the_index_commit_and_its_state_file_repeats_harmlessly(store):
    ingest_document(store, loans_document())
    index = search_sync.index_for(store)
    before = index.state()
    ingest_document(store, traditional_document())
    after = index.state()
    assert after.seq > before.seq
    # tantivy committed the new clauses, but the state file still says the old seq
    (index.path / STATE_FILE).write_text(json.dumps(before.__dict__))
    hits = search(store, "企业", limit=50)
    assert len(_ids(hits)) == len(set(_ids(hits))) == 5  # applied again, nothing doubled
    assert index.state().seq == after.seq and index.size() == 6 + 2


def test_a_busy_writer_elsewhere_leaves_search_with_what_is_indexed(store, database_url):
    ingest_document(store, loans_document())
    index = search_sync.index_for(store)
    ingest_document(store, traditional_document(), update_index=False)
    other = tantivy.Index.open(str(index.path))
    writer = other.writer(heap_size=15_000_000, num_threads=1)  # as another process would hold it
    try:
        assert _ids(search(store, "数字化转型")) == [("010_loans", "2.1")]  # no wait, no error
    finally:
        writer.rollback()
        writer.wait_merging_threads()
    assert set(_ids(search(store, "数字化转型"))) == {("010_loans", "2.1"), ("011_trad", "1")}


QUERIES = [("企业", {}), ("数字化转型", {}), ("贷款", {"unit": "财政"}), ("企业", {"beneficiary": "小微"}), ("税", {}),
           ("数字化", {"doc": "011"})]


def _answers(store):
    return [[(hit.document, hit.clause_id, hit.score) for hit in search(store, q, limit=20, **f)] for q, f in QUERIES]


def test_reindex_from_scratch_gives_the_same_results(store):
    ingest_document(store, loans_document())
    ingest_document(store, loans_document(cap_wan=300))  # a superseded version must stay out
    ingest_document(store, traditional_document())
    expected = _answers(store)
    path, clauses = search_sync.reindex(store)
    assert clauses == 6 + 2
    assert _answers(store) == expected
    shutil.rmtree(path)  # deleted outright, even under a running process: the next search rebuilds it
    assert _answers(store) == expected


def test_a_replaced_sqlite_file_gets_a_fresh_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    first = open_store(url)
    ingest_document(first, loans_document())
    assert search(first, "贷款贴息")
    first.close()
    (tmp_path / "zhida.sqlite3").unlink()
    second = open_store(url)  # same path, new database (new store_instance)
    ingest_document(second, traditional_document(), update_index=False)
    assert search(second, "贷款贴息") == []
    assert _ids(search(second, "数字化转型")) == [("011_trad", "1")]
    second.close()


def test_ingest_paths_leaves_the_index_complete(store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, body in (("030_a.txt", "一、支持企业上云。\n"), ("031_b.txt", "一、支持企业出海。\n")):
        (folder / name).write_text(body, encoding="utf-8")
    results = ingest_paths(store, [folder], parse=lambda path: _one_clause(path.name, path.read_text().strip()))
    assert [r.status for r in results] == ["new", "new"]
    index = search_sync.index_for(store)
    with store.sessions() as session:
        assert index.state().seq == session.scalar(select(SearchLogEntry.seq).order_by(SearchLogEntry.seq.desc()))
    assert index.size() == 2


def test_migration_0400_drops_the_database_index(database_url):
    engine = create_engine(database_url)
    cfg = alembic_config(database_url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0300_batch_runs")
    assert "clause_search" in inspect(engine).get_table_names()
    engine.dispose()
    store = open_store(database_url)  # upgrades to head
    tables = inspect(store.engine).get_table_names()
    assert "clause_search" not in tables and {"search_log", "store_instance"} <= set(tables)
    with store.sessions() as session:
        (instance,) = session.scalars(select(StoreInstance.id)).all()
        assert len(instance) == 36
        assert session.execute(text("SELECT count(*) FROM search_log")).scalar() == 0
    store.close()


def test_token_stream_is_every_adjacent_pair_and_the_last_character_of_each_run():
    from zhida.store.tokens import token_stream

    assert token_stream("数字化转型，对 ABc-1") == ["数字", "字化", "化转", "转型", "型", "对", "ab", "bc", "c", "1"]
