"""`make test`'s system scripts: Java checked by version, PostgreSQL started when it is down."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from zhida import config

SCRIPTS = config.PROJECT_ROOT / "scripts"


def _fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.mark.parametrize("printed, major, installs", [
    ('openjdk version "17.0.15" 2025-04-15', "17", False),
    ('openjdk version "21" 2023-09-19', "21", False),
    ('openjdk version "11.0.22" 2024-01-16', "11", True),
    ('java version "1.8.0_392"', "8", True),
    ("", "0", True),
])
def test_java_is_checked_by_version_not_presence(tmp_path, printed, major, installs):
    _fake(tmp_path, "java", f"echo '{printed}' >&2")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "ZHIDA_SYSTEM_DEPS_DRY_RUN": "1"}
    out = subprocess.run(["bash", str(SCRIPTS / "system_deps.sh")], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith(f"java {major};")
    assert ("openjdk-17-jre-headless" in out) is installs


def test_start_postgres_starts_the_cluster_when_down(tmp_path):
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("no PostgreSQL cluster on this machine")
    started = tmp_path / "started"
    _fake(tmp_path, "pg_isready", f'[ -f "{started}" ]')
    _fake(tmp_path, "pg_ctlcluster", f'echo "$@" > "{started}"')
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(SCRIPTS / "start_postgres.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert started.read_text().split()[-2:] == ["main", "start"]


def test_start_postgres_leaves_a_running_server_alone(tmp_path):
    _fake(tmp_path, "pg_isready", "exit 0")
    _fake(tmp_path, "pg_ctlcluster", f'touch "{tmp_path}/called"')
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(SCRIPTS / "start_postgres.sh")], env=env, check=True)
    assert not (tmp_path / "called").exists()


def test_ci_runs_the_readme_test_command():
    ci = (config.PROJECT_ROOT / ".ci" / "run").read_text()
    makefile = (config.PROJECT_ROOT / "Makefile").read_text()
    assert "make test" in ci and "pg_ctlcluster" not in ci
    assert "scripts/start_postgres.sh" in makefile.split("\ntest:")[1].split("\n\n")[0]
