"""`zhida notify send|tick|outbox`: deliver the e-mail outbox, run the reminders, show the outbox."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.console import Console

from zhida.cli import app
from zhida.errors import ZhidaError

out = Console()
notify_app = typer.Typer(help="通知：发送邮件发件箱、运行提醒（申报窗口、新符合条件）。", no_args_is_help=True)
app.add_typer(notify_app, name="notify")


def _now(text: str | None) -> datetime:
    """--now: an ISO date or date-time (UTC unless it names its zone); default: the clock."""
    from zhida.notify.clock import utc

    if not text:
        return utc()
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ZhidaError("--now", f"应为日期或日期时间（如 2026-12-03 或 2026-12-03T09:00），而不是 {text!r}") from None
    return utc(at)


def _report_send(report) -> None:
    if not report.configured:
        out.print("未配置邮件服务器（ZHIDA_SMTP_HOST），邮件留在发件箱中。")
        return
    out.print(f"邮件：取出 {report.claimed} 封，已发送 {report.sent}，稍后重试 {report.retry}，放弃 {report.failed}")
    for line in report.errors[:10]:
        out.print(f"  {line}", highlight=False)


@notify_app.command("send")
def send(limit: int = typer.Option(200, min=1, max=10000, help="本次最多发送的邮件数"),
         now: str = typer.Option(None, "--now", help="按此时刻判断哪些邮件到期（默认当前时间）")) -> None:
    """发送发件箱中到期的邮件（多个进程同时运行也不会重复发送）。"""
    from zhida.notify import mailer
    from zhida.store import open_store

    store = open_store()
    try:
        _report_send(mailer.send_due(store, now=_now(now), limit=limit))
    finally:
        store.close()


@notify_app.command("tick")
def tick(now: str = typer.Option(None, "--now", help="以此时刻运行（默认当前时间），用于补跑或测试"),
         send_mail: bool = typer.Option(True, "--send/--no-send", help="运行提醒后是否发送邮件")) -> None:
    """运行一次定时任务：申报窗口提醒、批量测算后的新符合条件通知，然后发送邮件。"""
    from zhida.notify import ticker
    from zhida.store import open_store

    store = open_store()
    try:
        result = ticker.tick(store, now=_now(now), send=send_mail)
        for line in result.lines():
            out.print(line, highlight=False)
        if result.mail is not None:
            _report_send(result.mail)
    finally:
        store.close()


@notify_app.command("outbox")
def outbox_counts() -> None:
    """发件箱状况：待发送、发送中、已发送、已放弃的邮件数。"""
    from zhida.notify import outbox
    from zhida.store import open_store

    store = open_store()
    try:
        counts = outbox.counts(store)
    finally:
        store.close()
    out.print(f"待发送 {counts['pending']}，发送中 {counts['sending']}，已发送 {counts['sent']}，已放弃 {counts['failed']}")
