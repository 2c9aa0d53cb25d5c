"""``publish`` / ``publish_many``: write notifications in the caller's transaction — the message,
whom it is addressed to (inbox) and one outbox row per account with an e-mail address that wants
e-mail for this event kind. Committed with the change it tells about, or not at all.

``publish_many`` writes many at once (a 免申即享 list of thousands): the accounts and their e-mail
choices are looked up once for all of them and the rows go in one statement per table and chunk.
A message with a ``dedupe_key`` already published is not written again: the key is inserted with
``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL), so a concurrent publisher of the same key
never fails the caller's transaction — one of the two wins and both get its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.notify import events, recipients as addressing
from zhida.notify.clock import utc
from zhida.notify.recipients import Recipient
from zhida.notify.tables import PENDING, Message, MessageRecipient, OutboxMail, Preference

TITLE_MAX = 255
CHUNK = 500


@dataclass(frozen=True)
class Notice:
    event: str
    recipients: tuple[Recipient, ...] | list[Recipient]
    title: str
    body: str
    link: str | None = None
    dedupe_key: str | None = None


def publish(session: Session, *, event: str, recipients: list[Recipient], title: str, body: str,
            link: str | None = None, dedupe_key: str | None = None, at: datetime | None = None) -> int:
    """The id of the new message; with a ``dedupe_key`` already published, the id of that message
    (nothing new is written). Raises ZhidaError for bad input before writing anything."""
    return publish_many(session, [Notice(event, recipients, title, body, link, dedupe_key)], at=at)[0]


def _checked(notice: Notice) -> Notice:
    events.check(notice.event)
    title = (notice.title or "").strip()
    if not title:
        raise ZhidaError("title", "通知标题不能为空")
    if len(title) > TITLE_MAX:
        raise ZhidaError("title", f"通知标题不超过 {TITLE_MAX} 字")
    if not isinstance(notice.body, str):
        raise ZhidaError("body", "通知正文应为文本")
    link = notice.link
    if link is not None and (len(link) > 512 or not link.startswith("/")):
        raise ZhidaError("link", "链接应为本站以 / 开头的路径，不超过 512 字符")
    key = notice.dedupe_key
    if key is not None and not (0 < len(key) <= 255):
        raise ZhidaError("dedupe_key", "去重键长度应为 1–255")
    targets = tuple(dict.fromkeys(notice.recipients or ()))
    if not targets or not all(isinstance(r, Recipient) for r in targets):
        raise ZhidaError("recipients", "至少需要一个接收方（Recipient.user / enterprise / unit）")
    return Notice(notice.event, targets, title, notice.body, link, key)


def _chunks(items: list, size: int = CHUNK):
    for at in range(0, len(items), size):
        yield items[at:at + size]


@lru_cache(maxsize=4)
def _insert_one(dialect_insert):
    table = Message.__table__
    return (dialect_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(table.c.id, table.c.dedupe_key))


def _insert_keyed(session: Session, rows: list[dict]) -> dict[str, int]:
    """dedupe_key → id of the rows newly inserted (a key already there is skipped, not an error)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    made: dict[str, int] = {}
    if len(rows) == 1:  # one message (a workflow step's): a statement built once, bound to this row
        found = session.connection().execute(_insert_one(dialect_insert), rows[0])
        return {key: mid for mid, key in found}
    for chunk in _chunks(rows):
        statement = (dialect_insert(Message).values(chunk).on_conflict_do_nothing(index_elements=["dedupe_key"])
                     .returning(Message.id, Message.dedupe_key))
        made.update({key: mid for mid, key in session.execute(statement)})
    return made


def publish_many(session: Session, notices: list[Notice], *, at: datetime | None = None) -> list[int]:
    """The message id of each notice, in order (an already published ``dedupe_key``: that message's
    id, nothing written for it). Every notice is checked before anything is written."""
    checked = [_checked(n) for n in notices]
    if not checked:
        return []
    at = utc(at)
    session.flush()  # the caller's pending rows first: the statements below bypass the unit of work
    ids: list[int | None] = [None] * len(checked)
    fresh: list[int] = []  # indexes of the notices whose message this call wrote
    keyed_rows, plain = {}, []
    for i, n in enumerate(checked):
        row = {"event": n.event, "title": n.title, "body": n.body, "link": n.link, "dedupe_key": n.dedupe_key,
               "created_at": at}
        if n.dedupe_key is None:
            plain.append((i, row))
        elif n.dedupe_key not in keyed_rows:
            keyed_rows[n.dedupe_key] = row
    if keyed_rows:
        made = _insert_keyed(session, list(keyed_rows.values()))
        lost = [k for k in keyed_rows if k not in made]  # published before (or meanwhile, concurrently)
        there: dict[str, int] = {}
        for chunk in _chunks(lost):
            there.update(session.execute(select(Message.dedupe_key, Message.id)
                                         .where(Message.dedupe_key.in_(chunk))).all())
        addressed: set[int] = set()
        for i, n in enumerate(checked):
            if n.dedupe_key is None:
                continue
            if n.dedupe_key in made:
                ids[i] = made[n.dedupe_key]
                if ids[i] not in addressed:  # the same key twice in one call: one message
                    addressed.add(ids[i])
                    fresh.append(i)
            else:
                ids[i] = there[n.dedupe_key]
    for chunk in _chunks(plain):
        got = session.scalars(insert(Message).returning(Message.id, sort_by_parameter_order=True),
                              [row for _, row in chunk]).all()
        for (i, _), mid in zip(chunk, got):
            ids[i] = mid
            fresh.append(i)
    if fresh:
        _address(session, [(ids[i], checked[i]) for i in fresh], at)
    return ids  # type: ignore[return-value]


def _address(session: Session, written: list[tuple[int, Notice]], at: datetime) -> None:
    """The inbox addresses of the new messages and their e-mails (accounts and choices looked up once)."""
    rows = [{"message_id": mid, "kind": r.kind, "key": r.key} for mid, n in written for r in n.recipients]
    for chunk in _chunks(rows):
        session.execute(insert(MessageRecipient), chunk)
    every = list(dict.fromkeys(r for _, n in written for r in n.recipients))
    users = addressing.accounts(session, every, with_email=True)
    if not users:
        return
    by_user_id = {str(u.id): u for u in users}
    by_uscc: dict[str, list] = {}
    by_unit: dict[str, list] = {}
    for u in users:
        if u.role == "enterprise" and u.uscc:
            by_uscc.setdefault(u.uscc, []).append(u)
        if u.role == "staff":
            for unit in u.units or ():
                by_unit.setdefault(unit, []).append(u)
    kinds = {n.event for _, n in written}
    refused = set(session.execute(select(Preference.user_id, Preference.event).where(
        Preference.user_id.in_([u.id for u in users]), Preference.event.in_(kinds), Preference.email.is_(False))).all())
    mails = []
    for mid, n in written:
        chosen: dict[int, object] = {}
        for r in n.recipients:
            found = ([by_user_id[r.key]] if r.kind == addressing.USER and r.key in by_user_id
                     else by_uscc.get(r.key, []) if r.kind == addressing.ENTERPRISE
                     else by_unit.get(r.key, []) if r.kind == addressing.UNIT else [])
            for u in found:
                chosen[u.id] = u
        for user_id in sorted(chosen):
            if (user_id, n.event) not in refused:
                mails.append({"message_id": mid, "user_id": user_id, "address": chosen[user_id].email,
                              "status": PENDING, "attempts": 0, "next_try_at": at, "created_at": at})
    for chunk in _chunks(mails):
        session.execute(insert(OutboxMail), chunk)
