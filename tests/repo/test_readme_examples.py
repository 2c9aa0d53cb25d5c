"""The README's `zhida simulate` example changes something on the demo data (`zhida demo`'s
population: 20,000 synthetic enterprises, seed 2022, as of 2022-12-31)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import zhida
from zhida import config

pytestmark = pytest.mark.slow
RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
DEMO_COUNT, DEMO_SEED, DEMO_AS_OF = 20_000, 2022, "2022-12-31"  # zhida demo's defaults


def readme_command(name: str) -> list[str]:
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in readme.splitlines() if re.match(rf"zhida {name}\b", ln)]
    return shlex.split(line.split("  #")[0])


def test_demo_defaults_are_the_ones_assumed_here():
    from zhida.cli import demo

    source = Path(demo.__file__).read_text(encoding="utf-8")
    assert demo.AS_OF == DEMO_AS_OF
    assert re.search(rf"typer\.Option\({DEMO_COUNT:_}, \"--count\"", source)
    assert re.search(rf"typer\.Option\({DEMO_SEED}, \"--seed\"", source)


def test_readme_simulate_example_changes_something_on_demo_data(tmp_path):
    from zhida.enterprises.generate import generate, store_population
    from zhida.store import open_store

    url = f"sqlite:///{tmp_path / 'zhida.sqlite3'}"
    store = open_store(url)
    try:
        store_population(generate(DEMO_COUNT, DEMO_SEED, dt.date.fromisoformat(DEMO_AS_OF)), store)
    finally:
        store.close()
    command = readme_command("simulate")
    assert command[0] == "zhida"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIDA_")}
    env.update(ZHIDA_HOME=str(tmp_path), ZHIDA_DATABASE_URL=url,
               PYTHONPATH=str(Path(zhida.__file__).resolve().parents[1]))
    done = subprocess.run([*RUN, *command[1:], "--json"], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["enterprises"] == DEMO_COUNT
    changed = [m for m in report["measures"] if m["movers"]["changed"] > 0]
    assert changed, report["measures"]
    assert any(m["baseline"]["cost"] != m["reform"]["cost"] for m in changed)
