"""The store commands as a user runs them, on a temporary store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from zhida import config
from zhida.cli import _register, app

_register()
SEED_000 = next(config.SOURCES_DIR.glob("000_*.txt"))
SEED_004 = next(config.SOURCES_DIR.glob("004_*.txt"))


@pytest.fixture
def zhida(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZHIDA_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run


def test_db_upgrade_is_idempotent(zhida):
    first = zhida("db", "upgrade")
    assert first.exit_code == 0 and "upgraded from empty" in first.stdout
    second = zhida("db", "upgrade")
    assert second.exit_code == 0 and "already at revision" in second.stdout


def test_bad_files_fail_with_one_line_each_and_store_nothing(zhida, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    result = zhida("ingest", str(empty), str(binary), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 3
    for line, name in zip(failed, ("empty.txt", "junk.txt", "missing.txt")):
        assert name in line
    assert "failed 3" in result.stdout
    assert json.loads(zhida("docs", "list", "--json").stdout) == []


def test_one_bad_file_does_not_stop_the_others(zhida, tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SEED_000, tmp_path / "in")
    (tmp_path / "in" / "bad.txt").write_bytes(b"")
    result = zhida("ingest", str(tmp_path / "in"))
    assert result.exit_code == 1
    assert "new 1" in result.stdout and "failed 1" in result.stdout
    assert [doc["key"] for doc in json.loads(zhida("docs", "list", "--json").stdout)] == [SEED_000.stem]


def test_ingest_show_and_reingest(zhida, tmp_path):
    source = tmp_path / SEED_000.name
    shutil.copy(SEED_000, source)
    assert zhida("ingest", str(source)).exit_code == 0
    shown = json.loads(zhida("docs", "show", "000", "--json").stdout)
    assert shown["key"] == SEED_000.stem
    assert len(shown["clauses"]) == 6
    assert shown["metadata"]["doc_number"] == "京政办发〔2022〕18号"
    (clause,) = [child for child in shown["clauses"][2]["children"] if child["id"] == "3.7"]
    for name in ("id", "labels", "kind", "heading", "text", "start", "end", "responsible_units", "amounts",
                 "percentages", "dates", "beneficiaries", "references", "children"):
        assert name in clause
    # every clause's offsets point into the original text
    assert shown["original"][clause["start"]:clause["end"]][:3] in ("(七)", "（七）")
    amount = clause["amounts"][0]
    assert isinstance(amount["value"], str) and shown["original"][amount["start"]:amount["end"]] == amount["text"]

    again = zhida("ingest", str(source))
    assert again.exit_code == 0 and "unchanged 1" in again.stdout

    source.write_text(SEED_000.read_text(encoding="utf-8") + "\n（本文件有修订）\n", encoding="utf-8")
    updated = zhida("ingest", str(source))
    assert updated.exit_code == 0 and "updated 1" in updated.stdout
    assert json.loads(zhida("docs", "show", "京政办发〔2022〕18号", "--json").stdout)["version"] == 2
    assert json.loads(zhida("docs", "show", "000", "--json", "--version", "1").stdout)["version"] == 1


def test_search_finds_traditional_clause_from_simplified_query(zhida):
    assert zhida("ingest", str(SEED_000), str(SEED_004)).exit_code == 0
    result = zhida("search", "数字化转型", "--json")
    hits = json.loads(result.stdout)["results"]
    assert (SEED_004.stem, "2.4") in [(hit["document"], hit["clause_id"]) for hit in hits]
    hit = next(hit for hit in hits if hit["clause_id"] == "2.4")
    assert "<mark>數字化轉型</mark>" in hit["snippet_html"]
    original = SEED_004.read_text(encoding="utf-8")
    for start, end in hit["source_hits"]:
        assert original[start:end] == "數字化轉型"

    text_output = zhida("search", "數字化轉型", "--doc", "004")
    assert text_output.exit_code == 0
    assert f"{SEED_004.stem} 2.4" in text_output.stdout and "[數字化轉型]" in text_output.stdout


def test_search_with_unit_filter(zhida):
    assert zhida("ingest", str(SEED_004)).exit_code == 0
    hits = json.loads(zhida("search", "企业", "--unit", "市经济和信息化局", "--json", "--limit", "50").stdout)["results"]
    assert hits and all(any("经济和信息化局" in unit for unit in hit["responsible_units"]) for hit in hits)


def test_docs_reindex_rebuilds_the_search_index(zhida):
    assert zhida("ingest", str(SEED_000)).exit_code == 0
    before = json.loads(zhida("search", "企业", "--json").stdout)["results"]
    rebuilt = zhida("docs", "reindex")
    assert rebuilt.exit_code == 0 and "clauses indexed" in rebuilt.stdout
    assert json.loads(zhida("search", "企业", "--json").stdout)["results"] == before != []
