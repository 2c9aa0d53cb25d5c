"""`zhida generate` and `zhida pushlist` write under ZHIDA_HOME by default, never into the current
directory (a checkout's working tree stays clean)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import zhida

RUN = [sys.executable, "-c", "import sys; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]


def _zhida(*args, cwd: Path, home: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIDA_")}
    env["ZHIDA_HOME"] = str(home)
    env["PYTHONPATH"] = str(Path(zhida.__file__).resolve().parents[1])  # this checkout, from any cwd
    done = subprocess.run([*RUN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_generate_and_pushlist_default_to_zhida_home(tmp_path):
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    _zhida("generate", "--count", "300", "--seed", "1", cwd=cwd, home=home)
    assert (home / "enterprises.parquet").is_file()
    _zhida("batch", "--as-of", "2022-12-31", "--input", str(home / "enterprises.parquet"), "--no-store",
           "--no-pushlists", cwd=cwd, home=home)
    printed = _zhida("pushlist", "latest", cwd=cwd, home=home).split()
    assert printed and all(Path(p).parent == home / "pushlists" for p in printed)
    assert all(Path(p).is_file() for p in printed)
    assert list(cwd.iterdir()) == []
