"""docs/web.md's examples work: its `zhida users …` lines run against a fresh store, its USCC
passes the project's check, it claims no finished page is pending, it names the font in use."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import zhida
from zhida import config
from zhida.web.uscc import normalize_uscc

DOC = (config.PROJECT_ROOT / "docs" / "web.md").read_text(encoding="utf-8")
RUN = [sys.executable, "-c", "import sys, zhida.cli.web; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]


def _first_sh_block() -> list[str]:
    block = DOC.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line.split(" #")[0]) for line in block.splitlines() if line.startswith("zhida users")]


def test_uscc_examples_pass_the_check():
    examples = re.findall(r"--uscc ([0-9A-Z]{18})", DOC)
    assert examples
    assert [normalize_uscc(u) for u in examples] == examples


def test_users_examples_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIDA_")}
    env.update(ZHIDA_HOME=str(tmp_path), PW="an-example-password-1",
               PYTHONPATH=str(Path(zhida.__file__).resolve().parents[1]))
    commands = _first_sh_block()
    assert {c[2] for c in commands} >= {"add", "passwd"}
    for command in commands:
        extra, stdin = (["--password-env", "PW"], None) if command[2] == "add" else (["--password-stdin"], "another-password-2\n")
        done = subprocess.run([*RUN, *command[1:], *extra], input=stdin, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, (command, done.stderr)


def test_no_finished_page_is_called_pending():
    pages = DOC.split("## Pages", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in pages.splitlines() if line.startswith("| `/")]
    assert any("`/push`" in r for r in rows) and any("`/simulations`" in r for r in rows)
    # `pending` inside code spans is a parameter value (the 待认定 money kind), not a page's status
    prose = [re.sub(r"`[^`]*`", "", line) for line in pages.splitlines()]
    assert not [line for line in prose if "pending" in line.lower()]


def test_the_font_named_is_the_one_used():
    css = (config.PROJECT_ROOT / "src" / "zhida" / "web" / "static" / "app.css").read_text(encoding="utf-8")
    pdf = (config.PROJECT_ROOT / "src" / "zhida" / "web" / "templates" / "reports" / "checkup_pdf.html").read_text(
        encoding="utf-8")
    first = re.search(r'font-family:\s*"([^"]+)"', css).group(1)
    assert first == re.search(r'font-family:\s*"([^"]+)"', pdf).group(1) == "Noto Sans CJK SC"
    assert first in DOC and "fonts-noto-cjk" in DOC
    assert "fonts-noto-cjk" in (config.PROJECT_ROOT / "scripts" / "system_deps.sh").read_text()
    assert "wqy" not in DOC.lower() and "WenQuanYi" not in DOC
