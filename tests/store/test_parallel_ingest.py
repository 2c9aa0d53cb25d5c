"""Ingest with the reading spread over worker processes: the same documents, clauses, errors and
drafts as reading in one process; a bad file fails alone with its one line, nothing of it written."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from zhida import config
from zhida.drafting import drafts
from zhida.drafting.tables import RuleDraft
from zhida.rules import load_policies
from zhida.store import ingest_paths, open_store
from zhida.store.schema import ClauseRow, Document, DocumentVersion


@pytest.fixture
def folder(tmp_path):
    """The five seeds, an empty file and a binary one posing as text."""
    here = tmp_path / "docs"
    here.mkdir()
    for path in sorted(config.sources_dir().glob("*.txt")):
        shutil.copy(path, here / path.name)
    (here / "005_empty.txt").write_text("  \n", encoding="utf-8")
    (here / "006_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    return here


def _contents(store) -> dict:
    with store.sessions() as session:
        rows = session.execute(
            select(Document.key, DocumentVersion.version, DocumentVersion.title, DocumentVersion.metadata_json,
                   ClauseRow.clause_id, ClauseRow.text, ClauseRow.normalized, ClauseRow.extraction, ClauseRow.units)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .join(ClauseRow, ClauseRow.version_id == DocumentVersion.id)
            .order_by(Document.key, ClauseRow.position)).all()
    return {(row[0], row[1], row[2], row[4]): (row[3], *row[5:]) for row in rows}  # JSON compared as values


def _drafts(store) -> list[tuple]:
    with store.sessions() as session:
        return [tuple(r) for r in session.execute(
            select(RuleDraft.document, RuleDraft.document_version, RuleDraft.position, RuleDraft.measure_id,
                   RuleDraft.yaml, RuleDraft.open_fields, RuleDraft.start, RuleDraft.end)
            .order_by(RuleDraft.document, RuleDraft.position))]


def test_workers_store_what_one_process_stores_and_bad_files_fail_alone(folder, database_url, tmp_path):
    serial_store = open_store(f"sqlite:///{tmp_path / 'serial.sqlite3'}")
    pooled_store = open_store(database_url)
    try:
        serial = ingest_paths(serial_store, [folder], workers=1)
        pooled = ingest_paths(pooled_store, [folder], workers=2)
        assert [(r.key, r.status, r.version, r.clauses) for r in pooled] == \
            [(r.key, r.status, r.version, r.clauses) for r in serial]
        failed = {r.key: r.error for r in pooled if r.status == "failed"}
        assert set(failed) == {"005_empty", "006_binary"}
        assert failed == {r.key: r.error for r in serial if r.status == "failed"}
        assert all("\n" not in line and "00" in line for line in failed.values())
        stored = _contents(pooled_store)
        assert stored == _contents(serial_store) and len({key[0] for key in stored}) == 5
        again = ingest_paths(pooled_store, [folder], workers=2)
        assert {r.status for r in again if r.key.startswith("00") and r.error is None} == {"unchanged"}
    finally:
        serial_store.close()
        pooled_store.close()


def test_drafts_made_at_ingest_are_those_made_from_the_stored_document(folder, database_url, tmp_path):
    at_ingest = open_store(database_url)
    afterwards = open_store(f"sqlite:///{tmp_path / 'after.sqlite3'}")
    try:
        results = ingest_paths(at_ingest, [folder], workers=2, draft=True)
        assert {r.key: r.drafts for r in results if r.status == "new"}.keys() == \
            {p.stem for p in config.sources_dir().glob("*.txt")}
        assert all(r.drafts is None for r in results if r.status == "failed")
        ingest_paths(afterwards, [folder], workers=1)
        policies = load_policies()
        from datetime import datetime, timezone

        with afterwards.transaction() as session:
            for key in sorted(p.stem for p in config.sources_dir().glob("*.txt")):
                drafts.make(session, key, policies, datetime.now(timezone.utc))
        got = _drafts(at_ingest)
        assert got == _drafts(afterwards) and len(got) > 100
        assert sum(r.drafts or 0 for r in results) == len(got)
    finally:
        at_ingest.close()
        afterwards.close()
