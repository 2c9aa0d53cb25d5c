"""Telling people, with ``zhida.notify`` (in-app inbox + e-mail outbox, in the caller's transaction):
answers to the enterprise, dispatches and 会商 to the units, objections and 督办 to the supervisor."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhida import notify


def send(session: Session, *, event: str, enterprise: str | None = None, units: list[str] | tuple[str, ...] = (),
         title: str, body: str, link: str | None = None, dedupe_key: str | None = None) -> None:
    recipients = [notify.Recipient.enterprise(enterprise)] if enterprise else []
    recipients.extend(notify.Recipient.unit(u) for u in dict.fromkeys(units) if u)
    if recipients:
        notify.publish(session, event=event, recipients=recipients, title=title[:255], body=body, link=link,
                       dedupe_key=dedupe_key)
