"""The unseen documents through the real command, into a real SQLite store and back out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhida.cli import _register, app
from zhida.documents.pipeline import parse_file

from .test_unseen import SPECS, UNSEEN, load

ZHIDA = str(Path(sys.executable).parent / "zhida")


def zhida(*args: str, database: Path) -> subprocess.CompletedProcess:
    """The installed command in its own process, as a user runs it."""
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run([ZHIDA, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    database = tmp_path_factory.mktemp("store") / "unseen.db"
    files = [str(UNSEEN / load(spec)["file"]) for spec in SPECS]
    done = zhida("ingest", *files, database=database)
    assert done.returncode == 0, done.stderr
    return database


def ids(clauses):
    for clause in clauses:
        yield clause["id"]
        yield from ids(clause["children"])


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
def test_stored_tree_is_the_parsed_tree(store, spec_path):
    name = load(spec_path)["file"]
    _register()  # docs show in-process: the same command, without a process start per document
    shown = CliRunner().invoke(app, ["docs", "show", Path(name).stem, "--json"],
                               env={"ZHIDA_DATABASE_URL": f"sqlite:///{store}"})  # fmt: skip
    assert shown.exit_code == 0, shown.output
    stored = json.loads(shown.stdout)
    parsed = parse_file(UNSEEN / name)
    assert list(ids(stored["clauses"])) == [c.id for c in parsed.walk()]
    assert stored["metadata"]["title"] == parsed.metadata.title
    assert stored["original"] == parsed.original


def test_a_bad_file_is_one_line_and_stores_nothing(store, tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    done = zhida("ingest", str(bad), database=store)
    assert done.returncode == 1
    assert done.stderr.strip() == "failed: broken.docx: corrupt .docx (not a zip archive)"
    listed = json.loads(zhida("docs", "list", "--json", database=store).stdout)
    assert "broken" not in [row["key"] for row in listed] and len(listed) == len(SPECS)
