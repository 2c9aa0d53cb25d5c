"""Ingest semantics on both backends: new, unchanged, new version with history, all-or-nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from zhida.errors import IngestError
from zhida.store import ingest_document, open_store, search_sync
from zhida.store.catalog import list_documents, show_document
from zhida.store.database import current_revision, head_revision
from zhida.store.schema import ClauseRow, Document, DocumentVersion

from .builders import LOANS, clause, document, loans_document


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.close()


def _count(store, model) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _index_size(store) -> int:
    return search_sync.index_for(store).size()


def test_open_store_migrates_to_head(store):
    assert current_revision(store.engine) == head_revision()
    with store.sessions() as session:  # every table is there, the search index's outbox included
        for table in ("documents", "document_versions", "clauses", "search_log"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_new_then_unchanged(store):
    first = ingest_document(store, loans_document())
    assert (first.status, first.version, first.key, first.clauses) == ("new", 1, "010_loans", 6)
    again = ingest_document(store, loans_document())
    assert (again.status, again.version) == ("unchanged", 1)
    assert _count(store, DocumentVersion) == 1
    assert _count(store, ClauseRow) == 6
    assert _index_size(store) == 6


def test_changed_content_adds_a_version_and_keeps_history(store):
    ingest_document(store, loans_document())
    result = ingest_document(store, loans_document(cap_wan=200))
    assert (result.status, result.version) == ("updated", 2)

    current = show_document(store, "010")
    assert current["version"] == 2 and [v["version"] for v in current["versions"]] == [1, 2]
    amount = current["clauses"][0]["children"][0]["amounts"][0]
    assert amount == {**amount, "text": "最高200万元", "value": "2000000", "currency": "CNY"}
    old = show_document(store, "010", version=1)
    assert old["clauses"][0]["children"][0]["amounts"][0]["value"] == "1000000"
    assert old["original"] == LOANS
    # history is kept, but only the current version is searchable
    assert _count(store, ClauseRow) == 12
    assert _index_size(store) == 6
    assert list_documents(store)[0]["versions"] == 2


def test_duplicate_clause_ids_fail_and_write_nothing(store):
    bad = loans_document()
    bad.clauses[1].id = "1"  # collides with the first section: a real unique-constraint violation
    with pytest.raises(IngestError, match="010_loans.txt: .*clause id"):
        ingest_document(store, bad)
    assert (_count(store, Document), _count(store, DocumentVersion), _count(store, ClauseRow)) == (0, 0, 0)
    assert _index_size(store) == 0


def test_failed_update_leaves_the_previous_version_current(store):
    ingest_document(store, loans_document())
    bad = loans_document(appendix="附件略。\n")
    bad.clauses[0].children[1].id = "1.1"  # duplicate inside the new version
    with pytest.raises(IngestError):
        ingest_document(store, bad)
    shown = show_document(store, "010_loans")
    assert shown["version"] == 1 and len(shown["versions"]) == 1
    assert (_count(store, DocumentVersion), _count(store, ClauseRow), _index_size(store)) == (1, 6, 6)


def test_lookup_by_key_prefix_and_doc_number(store):
    ingest_document(store, loans_document())
    ingest_document(store, document("012_other.txt", "一、其他事项。\n", [clause("一、其他事项。\n", "1", "一、其他事项。")]))
    assert show_document(store, "测发〔2024〕1号")["key"] == "010_loans"
    assert show_document(store, "012")["key"] == "012_other"
    with pytest.raises(Exception, match="ambiguous"):
        show_document(store, "01")
    with pytest.raises(Exception, match="no such version"):
        show_document(store, "010", version=3)
