"""`zhida serve` (the web platform) and `zhida users add|passwd` (accounts)."""

from __future__ import annotations

import getpass
import os

import typer
from rich.console import Console

from zhida.cli import app
from zhida.enterprises import regions
from zhida.errors import ZhidaError

out = Console()
users_app = typer.Typer(help="账户管理：创建登录用户、重设密码。", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, min=1, max=65535, help="端口"),
    database_url: str = typer.Option(None, "--database-url", help="SQLAlchemy URL（默认 ZHIDA_DATABASE_URL 或 ZHIDA_HOME 中的 SQLite）"),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="进程数（多核时提高体检吞吐；每个进程各自缓存体检结果，后台任务只在启动它的进程中可见）"),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="逐请求访问日志"),
) -> None:
    """启动 Web 平台（政策库、政策体检、精准推送……）。"""
    import uvicorn

    from zhida import config
    from zhida.store import open_store
    from zhida.web.security import load_secret

    if database_url:
        os.environ["ZHIDA_DATABASE_URL"] = database_url  # worker processes read the same store
    # Once, before any worker starts: the schema upgrade and the secret file (so that workers
    # neither migrate concurrently nor race to create different secrets).
    open_store(database_url).close()
    load_secret()
    out.print(f"政策直达 Web 平台： http://{host}:{port}/  （API 文档 http://{host}:{port}/api/docs；"
              f"{workers} 个进程）")
    config.hsts_seconds()  # a malformed setting stops here, with its name, not in every worker
    # X-Forwarded-For / -Proto only from the configured proxies (ZHIDA_FORWARDED_ALLOW_IPS):
    # from anyone else they are ignored, so a client cannot pose as another address.
    uvicorn.run("zhida.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=access_log, proxy_headers=True,
                forwarded_allow_ips=config.forwarded_allow_ips())


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="登录用户名"),
    role: str = typer.Option(..., "--role", help="admin | staff | enterprise"),
    unit: list[str] = typer.Option([], "--unit", help="部门用户的责任单位（可重复）"),
    region: str = typer.Option(None, "--region", help="部门用户的地区：行政区划代码（110105）或名称（朝阳区），存为代码"),
    uscc: str = typer.Option(None, "--uscc", help="企业用户的统一社会信用代码"),
    display_name: str = typer.Option(None, "--name", help="姓名或企业名称"),
    email: str = typer.Option(None, "--email", help="通知邮箱（可选；之后可在账户页修改）"),
    password_env: str = typer.Option(
        None, "--password-env", help="从此环境变量读取密码（脚本用）；不给则交互输入"
    ),
    database_url: str = typer.Option(None, "--database-url"),
) -> None:
    """创建一个登录用户（密码以 argon2 哈希保存；操作写入审计日志）。"""
    from zhida.store import open_store
    from zhida.web import tables  # noqa: F401
    from zhida.web.auth import Actor, create_user

    if password_env:
        password = os.environ.get(password_env)
        if not password:
            raise ZhidaError(f"--password-env {password_env}", "environment variable is not set or empty")
    else:
        password = getpass.getpass("密码: ")
        if getpass.getpass("再次输入: ") != password:
            raise ZhidaError("password", "两次输入的密码不一致")
    store = open_store(database_url)
    try:
        user = create_user(store, Actor(f"cli:{getpass.getuser()}"), username=username, password=password,
                           role=role, units=unit, region=region, uscc=uscc, display_name=display_name,
                           email=email)
    finally:
        store.close()
    scope = {"admin": "全部", "staff": "、".join(user["units"]) + (f"（{regions.label(user['region'])} {user['region']}）" if user["region"] else ""),
             "enterprise": user["uscc"]}[user["role"]]
    out.print(f"已创建用户 {user['username']}（{user['role']}，范围：{scope}）", highlight=False)


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        import sys

        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ZhidaError("--password-stdin", "标准输入中没有密码")
        return password
    password = getpass.getpass("新密码: ")
    if getpass.getpass("再次输入: ") != password:
        raise ZhidaError("password", "两次输入的密码不一致")
    return password


@users_app.command("passwd")
def users_passwd(
    username: str = typer.Argument(..., help="登录用户名"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入的第一行读取新密码（脚本用）；不给则交互输入"),
    database_url: str = typer.Option(None, "--database-url"),
) -> None:
    """重设一个用户的密码（忘记密码时由管理员在服务器上执行；该用户原有会话全部失效；写入审计日志）。"""
    from zhida.store import open_store
    from zhida.web import tables  # noqa: F401
    from zhida.web.auth import Actor, reset_password

    password = _read_new_password(password_stdin)
    store = open_store(database_url)
    try:
        user = reset_password(store, Actor(f"cli:{getpass.getuser()}"), username, password)
    finally:
        store.close()
    out.print(f"已重设用户 {user['username']} 的密码（原有会话已失效）", highlight=False)


audit_app = typer.Typer(help="审计日志：校验哈希链。", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(database_url: str = typer.Option(None, "--database-url")) -> None:
    """校验审计日志的哈希链：报告第一条被修改、删除或插入的条目；完好时打印链头哈希（请另行留存以便日后比对）。"""
    from zhida.store import open_store
    from zhida.web import tables  # noqa: F401
    from zhida.audit.chain import verify

    store = open_store(database_url)
    try:
        with store.sessions() as session:
            verdict = verify(session)
    finally:
        store.close()
    if verdict.intact:
        out.print(f"审计日志完好：{verdict.entries} 条，链头哈希 {verdict.head_hash}", highlight=False)
        return
    where = f"第 {verdict.broken_at} 条" if verdict.broken_at is not None else "链尾"
    out.print(f"审计日志已被篡改：{where}：{verdict.reason}", highlight=False)
    raise typer.Exit(1)
