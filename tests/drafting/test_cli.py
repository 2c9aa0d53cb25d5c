"""`zhida drafts`: preview a file's drafts as a measure file, ingest with --draft, show, and the
lossless export/import of published rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

from zhida import config

RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
KEY = "003_4b22abcac525f172"


def _zhida(*args, env):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=300)


def test_drafts_commands(tmp_path):
    env = {**os.environ, "ZHIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'z.sqlite3'}", "ZHIDA_HOME": str(tmp_path)}
    preview = _zhida("drafts", "make", "--file", str(config.sources_dir() / f"{KEY}.txt"), env=env)
    assert preview.returncode == 0, preview.stderr
    data = yaml.safe_load(preview.stdout)
    assert data["document"] == KEY and len(data["measures"]) > 20
    assert any(m["amount"].get("cap") == 300000 for m in data["measures"] if m.get("amount"))
    ingest = _zhida("ingest", "--draft", str(config.sources_dir() / f"{KEY}.txt"), env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert f"{KEY}: {len(data['measures'])} 条草稿" in ingest.stdout
    shown = json.loads(_zhida("drafts", "show", KEY, "--json", env=env).stdout)
    assert [d["measure_id"] for d in shown] == [m["id"] for m in data["measures"]]
    again = _zhida("drafts", "make", KEY, env=env)
    assert "当前版本已有草稿" in again.stdout
    measures = config.policies_dir() / "measures"
    imported = _zhida("drafts", "import", str(measures), env=env)
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "out"
    exported = _zhida("drafts", "export", "--to", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    for path in measures.glob("*.yaml"):
        if not path.name.endswith(".cases.yaml"):
            assert (out / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
