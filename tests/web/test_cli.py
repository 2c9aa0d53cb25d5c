"""`zhida users add`: creates a hashed, audited account; bad scope is a one-line error, nothing written."""

from __future__ import annotations

import os
import re
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
            assert users[0].units == ["区科委", "区财政局"] and users[0].region == "110105"  # stored as its GB/T 2260 code
            assert users[0].password_hash.startswith("$argon2id$")
            assert verify_password(users[0].password_hash, "secret-pass-1")
            entries = session.scalars(select(AuditEntry)).all()
            assert [(e.action, e.entity, e.actor.startswith("cli:")) for e in entries] == [("create", "user", True)]
    finally:
        store.close()


def test_users_passwd_resets_the_password_ends_sessions_and_is_audited(tmp_path):
    from zhida.web.auth import authenticate, open_session, session_user

    url = f"sqlite:///{tmp_path / 'z.sqlite3'}"
    env = {**os.environ, "ZHIDA_DATABASE_URL": url, "ZHIDA_HOME": str(tmp_path), "PW": "secret-pass-1"}
    assert _zhida("users", "add", "boss", "--role", "admin", "--password-env", "PW", env=env).returncode == 0
    store = open_store(url)
    try:
        old_token = open_session(store, authenticate(store, "boss", "secret-pass-1")["id"])
    finally:
        store.close()

    done = subprocess.run([*RUN, "users", "passwd", "boss", "--password-stdin"], input="brand-new-pass-2\n",
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "已重设用户 boss 的密码" in done.stdout

    unknown = subprocess.run([*RUN, "users", "passwd", "nobody", "--password-stdin"], input="brand-new-pass-2\n",
                             capture_output=True, text=True, env=env, timeout=120)
    assert unknown.returncode == 2 and "没有用户 nobody" in unknown.stderr
    short = subprocess.run([*RUN, "users", "passwd", "boss", "--password-stdin"], input="short\n",
                           capture_output=True, text=True, env=env, timeout=120)
    assert short.returncode == 2 and "密码" in short.stderr.strip().splitlines()[-1]

    store = open_store(url)
    try:
        assert authenticate(store, "boss", "secret-pass-1") is None
        assert authenticate(store, "boss", "brand-new-pass-2")["username"] == "boss"
        assert session_user(store, old_token) is None
        with store.sessions() as session:
            actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()]
        assert actions[-1] == "reset_password"
    finally:
        store.close()


def test_demo_without_serve_says_how_to_get_back_in_and_claims_no_batch(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIDA_")}
    env["ZHIDA_HOME"] = str(tmp_path)
    run = [sys.executable, "-c", "import sys, zhida.cli.demo; from zhida.cli import main; sys.argv[0] = 'zhida'; main()"]
    first = subprocess.run([*run, "demo", "--count", "30", "--no-serve"], capture_output=True, text=True, env=env,
                           timeout=600)
    assert first.returncode == 0, first.stderr
    assert "zhida users passwd" in first.stdout
    assert "后台启动" not in first.stdout and "未启动批量匹配" in first.stdout
    # example data went through the mechanisms: tasks drafted from the seeds and confirmed, products in
    drafted = re.search(r"督办：5 份文件起草并确认 (\d+) 项任务", first.stdout)
    assert drafted and int(drafted.group(1)) > 100, first.stdout
    assert "金融产品 3 个（新增 3）" in first.stdout
    again = subprocess.run([*run, "demo", "--count", "30", "--no-serve"], capture_output=True, text=True, env=env,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert "密码未改" in again.stdout and "zhida users passwd admin" in again.stdout
    # … and a second run changes nothing
    assert "起草并确认 0 项任务" in again.stdout and "金融产品 3 个（新增 0）" in again.stdout
    assert "示例项目 新增 0" in again.stdout and "新增 0 行" in again.stdout


def test_users_add_region_as_code_or_name_means_the_same(tmp_path):
    url = f"sqlite:///{tmp_path / 'z.sqlite3'}"
    env = {**os.environ, "ZHIDA_DATABASE_URL": url, "ZHIDA_HOME": str(tmp_path), "PW": "secret-pass-1"}
    by_code = _zhida("users", "add", "cy1", "--role", "staff", "--region", "110105", "--password-env", "PW", env=env)
    assert by_code.returncode == 0, by_code.stderr
    assert "朝阳区 110105" in by_code.stdout
    by_name = _zhida("users", "add", "cy2", "--role", "staff", "--region", "北京市朝阳区", "--password-env", "PW",
                     env=env)
    assert by_name.returncode == 0, by_name.stderr
    unknown = _zhida("users", "add", "cy3", "--role", "staff", "--region", "火星区", "--password-env", "PW", env=env)
    assert unknown.returncode == 2 and "未知地区 火星区" in unknown.stderr
    store = open_store(url)
    try:
        with store.sessions() as session:
            assert {u.username: u.region for u in session.scalars(select(User))} == {"cy1": "110105", "cy2": "110105"}
    finally:
        store.close()
