"""`zhida payouts applications list|report` (申报制 applications, the monthly 兑现 report as XLSX or
PDF) and `zhida payouts tick` (the applications' workflow clock: publicity periods that ended move
on to 拨付, overdue steps go to 督办); added to the `zhida payouts` group of ``zhida.cli.payouts``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from zhida.cli.payouts import payouts_app
from zhida.errors import ZhidaError

out = Console()
applications_app = typer.Typer(help="政策兑现申请（申报制）：列表、月报。", no_args_is_help=True)
payouts_app.add_typer(applications_app, name="applications")

DB = typer.Option(None, "--database-url", help="SQLAlchemy URL（默认 ZHIDA_DATABASE_URL 或 ZHIDA_HOME 中的 SQLite）")


def _as(store, username: str | None):
    """The person whose view is listed: an account (its units and district), or the whole city."""
    from zhida.web.deps import Principal

    if not username:
        return Principal(0, "cli", "admin", "命令行", (), None, None)
    from sqlalchemy import select

    from zhida.web.tables import User

    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ZhidaError("--as", f"没有用户 {username}")
        return Principal(user.id, user.username, user.role, user.display_name, tuple(user.units or ()), user.region,
                         user.uscc)


def _instant(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ZhidaError("--now", f"“{text}”不是时刻（如 2026-12-20T09:00+08:00）") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@applications_app.command("list")
def list_applications(
    measure: str = typer.Option(None, "--measure", help="政策措施编号"),
    state: str = typer.Option(None, "--state", help="状态（draft、reviewing、paid …）"),
    overdue: bool = typer.Option(False, "--overdue", help="只列超期"),
    as_user: str = typer.Option(None, "--as", help="按此账户的可见范围列出（默认全市）"),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000),
    database_url: str = DB,
) -> None:
    """列出申请：状态、本环节用时、期限与超期、金额。"""
    from zhida.payouts.applications import queries
    from zhida.store import open_store

    store = open_store(database_url)
    try:
        person = _as(store, as_user)
        with store.transaction() as session:
            total, rows = queries.listing(session, person, now=datetime.now(UTC), measure_id=measure, state=state,
                                          overdue=overdue, limit=limit)
    finally:
        store.close()
    table = Table("编号", "企业", "政策措施", "受理单位", "状态", "本环节", "核准金额（元）")
    for r in rows:
        due = f"，期限 {r.due_day}" if r.due_at else ""
        table.add_row(str(r.id), r.enterprise_name or r.uscc, r.measure_title, r.unit, r.state_label,
                      f"{r.days_in_step} 个工作日{due}{' 超期' if r.overdue else ''}",
                      "—" if r.approved_amount is None else f"{r.approved_amount:,.2f}")
    out.print(table)
    out.print(f"共 {total} 件")


@applications_app.command("report")
def report(
    month: str = typer.Option(..., "--month", help="年-月，如 2026-12"),
    output: Path = typer.Option(..., "--out", help="输出文件（.xlsx 或 .pdf）"),
    as_user: str = typer.Option(None, "--as", help="按此账户的责任单位与区县（默认全市）"),
    database_url: str = DB,
) -> None:
    """导出政策兑现月报（按责任单位与区县）。"""
    from zhida.payouts.applications import queries
    from zhida.store import open_store
    from zhida.web.payouts import applications_reports as reports

    if output.suffix.lower() not in (".xlsx", ".pdf"):
        raise ZhidaError("--out", "月报文件应为 .xlsx 或 .pdf")
    store = open_store(database_url)
    try:
        person = _as(store, as_user)
        with store.transaction() as session:
            lines = queries.monthly(session, person, month, datetime.now(UTC))
    finally:
        store.close()
    if output.suffix.lower() == ".xlsx":
        body = reports.monthly_xlsx(lines, month)
    else:
        from zhida.web.payouts.applications_api import scope_label
        from zhida.web.templating import make_templates

        templates = make_templates(Path(reports.__file__).parents[1] / "templates")
        body = reports.monthly_pdf(lines, month, scope_label(person), templates)
    output.write_bytes(body)
    out.print(f"已写出 {output}（{len(lines)} 行）")


@payouts_app.command("tick")
def tick(
    now: str = typer.Option(None, "--now", help="按此时刻运行（ISO 8601，默认现在）：公示期满转拨付，超期转督办"),
    database_url: str = DB,
) -> None:
    """运行工作流时钟：公示期满的申请转入拨付，超过时限的环节转督办。"""
    from zhida.payouts.applications import service
    from zhida.store import open_store

    at = _instant(now)
    store = open_store(database_url)
    try:
        result = store.retrying(lambda session: service.tick(session, at))
        fired, escalated = len(result.fired), len(result.escalated)
    finally:
        store.close()
    out.print(f"{at.isoformat()}：{fired} 件公示期满转入拨付，{escalated} 件超期转督办")
