"""`zhida demo`: a fresh store to a running platform in one command (what `make run` calls).

Upgrades the database, ingests the seed documents, generates a synthetic population into the
store (skipped when enough enterprises are there), puts example data through every mechanism
(``zhida.demo``: 督办 tasks, monitoring, projects and parcels, financial products),
creates demo accounts (passwords printed),
starts the batch match in the background and serves http://127.0.0.1:8000. With --no-serve
it prepares the store only (no batch: nothing would keep it running) and says what to run next.
"""

from __future__ import annotations

import os
import secrets
import time

import typer
from rich.console import Console

from zhida.cli import app

out = Console(highlight=False, soft_wrap=True)
AS_OF = "2022-12-31"  # the seed policies are 2022's: the synthetic population is generated as of then
KEPT = "（已存在，密码未改）"
STAFF_UNITS = ["市经济和信息化局", "市财政局", "区财政局", "区发展改革委", "区商务局", "区科技和信息化局"]


@app.command("demo")
def demo(
    count: int = typer.Option(20_000, "--count", min=1, help="合成企业数（企业库不足时补足）"),
    seed: int = typer.Option(2022, "--seed", help="合成数据随机种子"),
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, min=1, max=65535, help="端口"),
    database_url: str = typer.Option(None, "--database-url", help="SQLAlchemy URL（默认 ZHIDA_HOME 中的 SQLite）"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="准备完毕后启动 Web 服务"),
) -> None:
    """演示环境：数据库、政策种子、≥2万家合成企业、批量匹配、演示账户，并启动 Web 平台。"""
    import datetime as dt

    from sqlalchemy import func, select

    from zhida import config
    from zhida.enterprises.generate import generate, store_population
    from zhida.enterprises.tables import Enterprise
    from zhida.store import ingest_paths

    os.environ.setdefault("ZHIDA_AS_OF", AS_OF)
    from zhida.web.app import create_app

    started = time.perf_counter()
    web_app = create_app(database_url)  # opening the store upgrades its schema
    store = web_app.state.store
    out.print(f"[1/6] 数据库已就绪（{store.dialect}）")
    results = ingest_paths(store, [config.sources_dir()])
    out.print(f"[2/6] 政策种子：{len(results)} 份文件（" + "、".join(sorted({r.status for r in results})) + "）")
    with store.sessions() as session:
        have = session.scalar(select(func.count(Enterprise.id))) or 0
    if have < count:
        population = generate(count, seed, dt.date.fromisoformat(AS_OF))
        stored, skipped = store_population(population, store)
        out.print(f"[3/6] 合成企业：新增 {stored:,} 家（已有 {skipped:,} 家），评估日 {AS_OF}")
    else:
        out.print(f"[3/6] 合成企业：企业库已有 {have:,} 家，未再生成")
    from zhida.demo import seed_mechanisms

    out.print("[4/6] 示例数据（经各机制的导入与流程，可重复运行）：")
    for line in seed_mechanisms(store, dt.date.fromisoformat(AS_OF), dt.datetime.now(dt.UTC)):
        out.print(f"      {line}")
    accounts = _accounts(web_app)
    out.print("[5/6] 演示账户：")
    for username, role, password, scope in accounts:
        out.print(f"      {username:<12} {role:<6} 密码 {password:<16} {scope}")
    if serve:
        job = web_app.state.jobs.start_batch(store, web_app.state.as_of, "demo")
        out.print(f"[6/6] 批量匹配已在后台启动（任务 {job.id}），进度见“精准推送”页或 GET /api/v1/jobs/{job.id}")
    else:
        out.print(f"[6/6] 未启动批量匹配（--no-serve）：运行 zhida batch --as-of {AS_OF}，"
                  "或启动 Web 平台后在“精准推送”页启动")
    out.print(f"准备用时 {time.perf_counter() - started:.0f} 秒。")
    if serve:
        out.print(f"\n打开 http://{host}:{port}/ ，用上面的用户名和密码登录；API 文档 http://{host}:{port}/api/docs")
    else:
        out.print(f"\n启动 Web 平台：zhida serve --host {host} --port {port}，用上面的用户名和密码登录")
    out.print("忘记密码（或账户已存在、密码未显示）：zhida users passwd admin（或 chaoyang、enterprise）重设密码")
    if serve:
        import uvicorn

        uvicorn.run(web_app, host=host, port=port, log_level="warning")


def _accounts(web_app) -> list[tuple[str, str, str, str]]:
    """admin, a 朝阳区 staff user and an enterprise user (a 朝阳区 enterprise of the store)."""
    from sqlalchemy import select

    from zhida.enterprises.tables import Enterprise
    from zhida.errors import ZhidaError
    from zhida.web.auth import Actor, create_user

    store = web_app.state.store
    with store.sessions() as session:
        row = session.execute(select(Enterprise.uscc, Enterprise.name).where(Enterprise.region_code == "110105")
                              .where(Enterprise.entity_type == "enterprise").order_by(Enterprise.id)).first()
    wanted = [("admin", "admin", {}, "全部"),
              ("chaoyang", "staff", {"units": STAFF_UNITS, "region": "朝阳区", "display_name": "朝阳区企业服务专员"},
               "朝阳区；" + "、".join(STAFF_UNITS))]
    if row is not None:
        wanted.append(("enterprise", "enterprise", {"uscc": row.uscc, "display_name": row.name}, f"{row.name} {row.uscc}"))
    made = []
    for username, role, scope, text in wanted:
        password = secrets.token_urlsafe(9)
        try:
            create_user(store, Actor("cli:demo"), username=username, password=password, role=role, **scope)
        except ZhidaError:
            password = KEPT
        made.append((username, role, password, text))
    return made
