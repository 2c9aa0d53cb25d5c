"""An installed zhida (a built wheel, not an editable checkout) finds its reference policies.

The wheel is built from a copy of the source tree, installed into a fresh virtualenv whose only
other packages are the test environment's (appended to sys.path, so the checkout's editable zhida
is not visible), and `zhida measures list` / `zhida facts list` run from an unrelated directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from zhida import config

pytestmark = pytest.mark.slow
ROOT = config.PROJECT_ROOT
SKIP = shutil.ignore_patterns(".git", ".venv", "var", "build", "dist", "node_modules", "*.egg-info",
                              "__pycache__", ".pytest_cache", ".hypothesis", "test-artifacts", ".benchmarks")


CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("ZHIDA_") and k != "PYTHONPATH"}


def _run(args, **kw):
    kw.setdefault("env", CLEAN_ENV)
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    tree = base / "src-tree"
    shutil.copytree(ROOT, tree, ignore=SKIP)
    if (ROOT / "node_modules").is_dir():
        (tree / "node_modules").symlink_to(ROOT / "node_modules")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(tree), "-w", str(base / "dist")])
    [wheel] = (base / "dist").glob("zhida-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
          "--ignore-installed", str(wheel)])
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {**CLEAN_ENV, "ZHIDA_HOME": str(base / "home")}
    return venv, elsewhere, env


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    venv, elsewhere, env = installed
    where = _run([str(venv / "bin" / "python"), "-c", "import zhida; print(zhida.__file__)"], cwd=elsewhere, env=env)
    assert where.stdout.strip().startswith(str(venv))


def test_installed_wheel_lists_measures_and_facts_from_another_directory(installed):
    venv, elsewhere, env = installed
    measures = _run([str(venv / "bin" / "zhida"), "measures", "list"], cwd=elsewhere, env=env).stdout
    assert "xz2022.first-set-equipment-subsidy" in measures
    ours = {p.stem for p in (ROOT / "policies" / "measures").glob("*.yaml") if not p.stem.endswith(".cases")}
    assert len(ours) == 5
    facts = _run([str(venv / "bin" / "zhida"), "facts", "list"], cwd=elsewhere, env=env).stdout
    assert "region_code" in facts


def test_installed_wheel_carries_sources_and_vendor_assets(installed):
    venv, elsewhere, env = installed
    code = ("from zhida import config; from zhida.web.assets import missing_vendor_files;"
            "print(len(list(config.sources_dir().glob('*.txt'))), missing_vendor_files())")
    out = _run([str(venv / "bin" / "python"), "-c", code], cwd=elsewhere, env=env).stdout.split(maxsplit=1)
    assert int(out[0]) == len(list((ROOT / "policies" / "sources").glob("*.txt")))
    if (ROOT / "node_modules").is_dir():
        assert out[1].strip() == "[]"


def test_zhida_policies_dir_overrides_the_packaged_policies(installed, tmp_path):
    venv, elsewhere, env = installed
    own = tmp_path / "policies" / "measures"
    own.mkdir(parents=True)
    shutil.copy(next((ROOT / "policies" / "measures").glob("004_*[0-9a-f].yaml")), own)
    listed = _run([str(venv / "bin" / "zhida"), "measures", "list"], cwd=elsewhere,
                  env={**env, "ZHIDA_POLICIES_DIR": str(tmp_path / "policies")}).stdout
    assert "xz2022.first-set-equipment-subsidy" not in listed
    assert listed.strip()
