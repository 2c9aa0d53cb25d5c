"""`zhida simulate` without --input reads the store's enterprises through the kept facts export:
a second command (a new process's memory) reuses it and prints the same figures."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from zhida.batch import population
from zhida.batch import store as batch_store
from zhida.cli import _register, app
from zhida.enterprises.generate import generate, store_population
from zhida.store import open_store

from batch.conftest import AS_OF

_register()


def test_simulate_reads_the_store_once_per_state(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path))
    monkeypatch.delenv("ZHIDA_DATABASE_URL", raising=False)
    store = open_store()
    try:
        store_population(generate(300, 11, AS_OF), store)
    finally:
        store.close()
    args = ["simulate", "--as-of", AS_OF.isoformat(), "--set", "cy2022.sme-rd-reward.amount.cap=500000", "--json"]
    population._FILES.clear()
    first = CliRunner().invoke(app, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert list((tmp_path / "facts").glob("facts-*.parquet"))  # the export is kept in the home

    population._FILES.clear()  # as in a new process

    def no_export(*args, **kwargs):
        raise AssertionError("the store's profiles were exported again")

    monkeypatch.setattr(batch_store, "export_enterprises", no_export)
    second = CliRunner().invoke(app, args, catch_exceptions=False)
    assert second.exit_code == 0, second.output
    result = json.loads(second.output)
    assert result == json.loads(first.output) and result["enterprises"] == 300
    [entry] = result["measures"]
    assert entry["measure_id"] == "cy2022.sme-rd-reward" and "reform" in entry
