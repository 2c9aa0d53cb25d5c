"""`zhida users add`: creates a hashed, audited account; bad scope is a one-line error, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from zhida.store import open_store
from zhida.web.security import verify_password
from zhida.web.tables import AuditEntry, User

# `zhida` registers domains by name in zhida.cli._register; import ours explicitly so the test
# does not depend on that list.
RUN = [sys.executable, "-c", "import sys, zhida.cli.web; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]


def _zhida(*args, env):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=env, timeout=120)


def test_users_add(tmp_path):
    url = f"sqlite:///{tmp_path / 'z.sqlite3'}"
    env = {**os.environ, "ZHIDA_DATABASE_URL": url, "ZHIDA_HOME": str(tmp_path), "PW": "secret-pass-1"}
    ok = _zhida("users", "add", "chaoyang", "--role", "staff", "--unit", "区科委", "--unit", "区财政局",
                "--region", "朝阳区", "--password-env", "PW", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "已创建用户 chaoyang" in ok.stdout

    bad = _zhida("users", "add", "acme", "--role", "enterprise", "--uscc", "91110000600037341X",
                 "--password-env", "PW", env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].startswith("error: uscc: 统一社会信用代码校验位错误")

    store = open_store(url)
    try:
        with store.sessions() as session:
            users = session.scalars(select(User)).all()
            assert [u.username for u in users] == ["chaoyang"]
            assert users[0].units == ["区科委", "区财政局"] and users[0].region == "朝阳区"
            assert users[0].password_hash.startswith("$argon2id$")
            assert verify_password(users[0].password_hash, "secret-pass-1")
            entries = session.scalars(select(AuditEntry)).all()
            assert [(e.action, e.entity, e.actor.startswith("cli:")) for e in entries] == [("create", "user", True)]
    finally:
        store.close()
