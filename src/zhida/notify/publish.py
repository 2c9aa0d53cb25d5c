"""``publish``: write a notification in the caller's transaction — the message, whom it is
addressed to (inbox) and one outbox row per account with an e-mail address that wants e-mail for
this event kind. Committed with the change it tells about, or not at all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.notify import events, recipients as addressing
from zhida.notify.preferences import wants_email
from zhida.notify.clock import utc
from zhida.notify.recipients import Recipient
from zhida.notify.tables import PENDING, Message, MessageRecipient, OutboxMail

TITLE_MAX = 255


def publish(session: Session, *, event: str, recipients: list[Recipient], title: str, body: str,
            link: str | None = None, dedupe_key: str | None = None, at: datetime | None = None) -> int:
    """The id of the new message; with a ``dedupe_key`` already published, the id of that message
    (nothing new is written). Raises ZhidaError for bad input before writing anything."""
    events.check(event)
    title = (title or "").strip()
    if not title:
        raise ZhidaError("title", "通知标题不能为空")
    if len(title) > TITLE_MAX:
        raise ZhidaError("title", f"通知标题不超过 {TITLE_MAX} 字")
    if not isinstance(body, str):
        raise ZhidaError("body", "通知正文应为文本")
    if link is not None and (len(link) > 512 or not link.startswith("/")):
        raise ZhidaError("link", "链接应为本站以 / 开头的路径，不超过 512 字符")
    if dedupe_key is not None and not (0 < len(dedupe_key) <= 255):
        raise ZhidaError("dedupe_key", "去重键长度应为 1–255")
    targets = list(dict.fromkeys(recipients or ()))
    if not targets or not all(isinstance(r, Recipient) for r in targets):
        raise ZhidaError("recipients", "至少需要一个接收方（Recipient.user / enterprise / unit）")
    at = utc(at)

    if dedupe_key is not None:
        existing = session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    message = Message(event=event, title=title, body=body, link=link, dedupe_key=dedupe_key, created_at=at)
    try:
        with session.begin_nested():  # a concurrent publisher of the same key wins: ours is undone
            session.add(message)
            session.flush()
    except IntegrityError:
        if dedupe_key is None:
            raise
        return session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key))
    session.add_all(MessageRecipient(message_id=message.id, kind=r.kind, key=r.key) for r in targets)
    for user in addressing.accounts(session, targets):
        if user.email and wants_email(session, user.id, event):
            session.add(OutboxMail(message_id=message.id, user_id=user.id, address=user.email, status=PENDING,
                                   attempts=0, next_try_at=at, created_at=at))
    session.flush()
    return message.id
