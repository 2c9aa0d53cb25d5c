"""The in-app inbox: the messages addressed to a reader (their own, their enterprise's, their
责任单位's), newest first, with read/unread per account. A reader is anything with ``user_id``,
``role``, ``uscc`` and ``units`` (web.deps.Principal, or ``reader_of(session, user_id)``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.notify import events
from zhida.notify.clock import utc
from zhida.notify.recipients import addresses_of
from zhida.notify.tables import Message, MessageRead, MessageRecipient

MAX_LIMIT = 200


@dataclass(frozen=True)
class Reader:
    user_id: int
    role: str
    uscc: str | None = None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class InboxItem:
    id: int
    event: str
    event_label: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def as_json(self) -> dict:
        return {"id": self.id, "event": self.event, "event_label": self.event_label, "title": self.title,
                "body": self.body, "link": self.link, "created_at": utc(self.created_at).isoformat(),
                "read_at": utc(self.read_at).isoformat() if self.read_at else None, "unread": self.unread}


def reader_of(session: Session, user_id: int) -> Reader:
    from zhida.web.tables import User

    user = session.get(User, user_id)
    if user is None:
        raise ZhidaError("user_id", f"没有编号为 {user_id} 的账户")
    return Reader(user.id, user.role, user.uscc, tuple(user.units or ()))


def _reader(session: Session, reader) -> Reader | object:
    return reader_of(session, reader) if isinstance(reader, int) else reader


def _visible(reader):
    """Condition: the message is addressed to one of the reader's addresses (driven from the
    recipients' (kind, key, message_id) index, not a scan of every message)."""
    pairs = addresses_of(reader)
    addressed = select(MessageRecipient.message_id).where(
        or_(*(and_(MessageRecipient.kind == kind, MessageRecipient.key == key) for kind, key in pairs)))
    return Message.id.in_(addressed)


def _unread(reader):
    return ~exists().where(MessageRead.message_id == Message.id, MessageRead.user_id == reader.user_id)


def inbox(session: Session, reader, *, unread_only: bool = False, offset: int = 0,
          limit: int = 50) -> tuple[int, list[InboxItem]]:
    """(how many messages match, the requested page), newest first."""
    reader = _reader(session, reader)
    if offset < 0:
        raise ZhidaError("offset", "应为非负整数")
    if not 1 <= limit <= MAX_LIMIT:
        raise ZhidaError("limit", f"应在 1–{MAX_LIMIT} 之间")
    where = [_visible(reader)]
    if unread_only:
        where.append(_unread(reader))
    total = session.scalar(select(func.count()).select_from(Message).where(*where)) or 0
    return total, _items(session, reader, where, offset, limit)


def _items(session: Session, reader, where: list, offset: int = 0, limit: int | None = None) -> list[InboxItem]:
    read_at = (select(MessageRead.read_at).where(MessageRead.message_id == Message.id,
                                                 MessageRead.user_id == reader.user_id)
               .correlate(Message).scalar_subquery())
    query = (select(Message, read_at.label("read_at")).where(*where)
             .order_by(Message.created_at.desc(), Message.id.desc()).offset(offset).limit(limit))
    return [InboxItem(m.id, m.event, events.label(m.event), m.title, m.body, m.link, utc(m.created_at),
                      utc(r) if r else None) for m, r in session.execute(query).all()]


def unread_count(session: Session, reader) -> int:
    reader = _reader(session, reader)
    return session.scalar(select(func.count()).select_from(Message).where(_visible(reader), _unread(reader))) or 0


def message(session: Session, reader, message_id: int) -> InboxItem | None:
    """One message if the reader may see it, else None (not found and not yours look the same)."""
    reader = _reader(session, reader)
    items = _items(session, reader, [_visible(reader), Message.id == int(message_id)])
    return items[0] if items else None


def mark_read(session: Session, reader, message_ids: list[int] | None = None, *,
              at: datetime | None = None) -> list[int]:
    """Mark the reader's messages read (``None``: all of them); ids the reader cannot see are
    ignored. Returns the ids newly marked read."""
    reader = _reader(session, reader)
    where = [_visible(reader), _unread(reader)]
    if message_ids is not None:
        ids = sorted({int(i) for i in message_ids})
        if not ids:
            return []
        where.append(Message.id.in_(ids))
    newly = list(session.scalars(select(Message.id).where(*where).order_by(Message.id)))
    at = at or datetime.now(UTC)
    session.add_all(MessageRead(message_id=i, user_id=reader.user_id, read_at=at) for i in newly)
    session.flush()
    return newly


def mark_unread(session: Session, reader, message_ids: list[int]) -> int:
    reader = _reader(session, reader)
    rows = session.scalars(select(MessageRead).where(MessageRead.user_id == reader.user_id,
                                                     MessageRead.message_id.in_([int(i) for i in message_ids])))
    count = 0
    for row in rows:
        session.delete(row)
        count += 1
    session.flush()
    return count
