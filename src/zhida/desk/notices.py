"""Telling people: answers to the enterprise, dispatches to the unit, 督办 to the supervisor.

Published with ``zhida.notify`` (in-app inbox + e-mail outbox, in the caller's transaction) when
that package is installed; without it nothing is sent and nothing fails — the audit log still
records every change."""

from __future__ import annotations

from sqlalchemy.orm import Session


def _notify():
    try:
        from zhida import notify
    except ImportError:
        return None
    return notify if hasattr(notify, "publish") else None


def send(session: Session, *, event: str, enterprise: str | None = None, units: list[str] | tuple[str, ...] = (),
         title: str, body: str, link: str | None = None, dedupe_key: str | None = None) -> None:
    notify = _notify()
    if notify is None:
        return
    recipients = []
    if enterprise:
        recipients.append(notify.Recipient.enterprise(enterprise))
    recipients.extend(notify.Recipient.unit(u) for u in dict.fromkeys(units) if u)
    if not recipients:
        return
    try:
        notify.publish(session, event=event, recipients=recipients, title=title[:255], body=body, link=link,
                       dedupe_key=dedupe_key)
    except Exception as exc:  # an event kind not declared there yet: the change stands, say why in the log
        if type(exc).__name__ != "ZhidaError" or getattr(exc, "where", "") != "event":
            raise
