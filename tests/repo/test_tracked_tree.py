"""The repository tracks sources, not installed or generated files."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from zhida import config

ROOT = config.PROJECT_ROOT


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


@pytest.fixture(autouse=True)
def _needs_git():
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")


def test_node_modules_is_not_tracked():
    assert _git("ls-files", "node_modules").stdout == ""
    makefile = (ROOT / "Makefile").read_text()
    assert "npm ci" in makefile and "install: $(STAMP) assets" in makefile


@pytest.mark.parametrize("path", ["node_modules/x.js", "build/lib/zhida/x.py", "dist/zhida-0.1.0-py3-none-any.whl",
                                  "src/zhida.egg-info/PKG-INFO", "enterprises.parquet", "out/facts.parquet",
                                  "pushlists/110105_朝阳区.xlsx", "var/zhida.sqlite3"])
def test_generated_files_are_ignored(path):
    assert _git("check-ignore", "-q", "--no-index", path).returncode == 0, path
