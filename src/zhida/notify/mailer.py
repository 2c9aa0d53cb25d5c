"""Sending the outbox: claim due rows, deliver them over one SMTP connection, mark each sent (or
put it back with a later try and the error). Nothing is lost when the server is down (the rows
wait), nothing is sent twice by two senders (leases, see outbox.py).

``send_due(store, now=…)`` is what `zhida notify send`, `zhida notify tick` and the web app's
periodic tick call."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from zhida import config
from zhida.notify import mail, outbox
from zhida.notify.clock import utc
from zhida.notify.tables import Message

TIMEOUT_SECONDS = 15


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    configured: bool = True


def _connect(settings: dict) -> smtplib.SMTP:
    client = smtplib.SMTP(settings["host"], settings["port"], timeout=TIMEOUT_SECONDS)
    try:
        if settings["starttls"]:
            client.starttls()
            client.ehlo()
        if settings["user"]:
            client.login(settings["user"], settings["password"] or "")
    except BaseException:
        client.close()
        raise
    return client


def _permanent(exc: Exception) -> bool:
    """A refusal that trying again will not change (5xx for the recipient or the message)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(exc, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) and code is not None and 500 <= code < 600


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (ConnectionError, socket.timeout, socket.gaierror, OSError)) and \
            not isinstance(exc, smtplib.SMTPException):
        return f"无法连接邮件服务器：{exc}"
    return f"邮件服务器拒绝：{exc}"


def send_due(store, *, now: datetime | None = None, limit: int = 50, settings: dict | None = None,
             owner: str | None = None) -> SendReport:
    """Send up to ``limit`` due outbox rows; safe to run in several processes at once."""
    settings = settings or config.smtp_settings()
    report = SendReport()
    if not settings.get("host"):
        report.configured = False
        return report
    now = utc(now)
    owner = owner or outbox.new_owner()
    rows = outbox.claim(store, owner, now, limit)
    report.claimed = len(rows)
    if not rows:
        return report
    with store.transaction() as session:
        messages = {m.id: m for m in session.scalars(
            select(Message).where(Message.id.in_({r.message_id for r in rows})))}
    try:
        client = _connect(settings)
    except Exception as exc:  # server down: every row waits for its next try
        error = _describe(exc)
        outbox.release(store, [r.id for r in rows], owner, now, error)
        report.retry, report.errors = len(rows), [error]
        return report
    try:
        for row in rows:
            message = messages[row.message_id]
            email = mail.compose(outbox_id=row.id, sender=settings["sender"], to=row.address, event=message.event,
                                 title=message.title, body=message.body, link=message.link,
                                 created_at=utc(message.created_at))
            try:
                client.send_message(email)
            except Exception as exc:
                status = outbox.mark_failed(store, row.id, owner, now, _describe(exc), permanent=_permanent(exc))
                report.errors.append(f"#{row.id} {_describe(exc)}")
                if status == "failed":
                    report.failed += 1
                else:
                    report.retry += 1
                if isinstance(exc, smtplib.SMTPServerDisconnected):
                    rest = rows[rows.index(row) + 1:]
                    outbox.release(store, [r.id for r in rest], owner, now, _describe(exc))
                    report.retry += len(rest)
                    break
                continue
            if outbox.mark_sent(store, row.id, owner, now):
                report.sent += 1
    finally:
        try:
            client.quit()
        except Exception:
            client.close()
    return report
