"""Notifications (订阅与通知): an in-app inbox and an e-mail outbox every mechanism publishes to.

    from zhida import notify
    notify.publish(session, event="application.step", recipients=[notify.Recipient.enterprise(uscc)],
                   title="…", body="…", link="/…", dedupe_key="…")

``publish`` (``publish_many`` for thousands at once) writes in the caller's transaction (a
rolled-back change leaves no notification, a committed one always has its notification);
``dedupe_key`` makes publishing twice a no-op.
Readers: ``inbox`` / ``unread_count`` / ``mark_read`` with anything carrying user_id, role,
uscc, units (web.deps.Principal, ``Reader``) or a user id. E-mail: ``zhida.notify.mailer``
(outbox → SMTP), subscriptions: ``zhida.notify.subscriptions``, reminders: ``zhida.notify.reminders``.
"""

from __future__ import annotations

from zhida.notify.events import EVENTS, label as event_label
from zhida.notify.inbox import InboxItem, Reader, inbox, mark_read, mark_unread, message, reader_of, unread_count
from zhida.notify.publish import Notice, publish, publish_many
from zhida.notify.recipients import Recipient

__all__ = ["EVENTS", "InboxItem", "Notice", "Reader", "Recipient", "event_label", "inbox", "mark_read", "mark_unread",
           "message", "publish", "publish_many", "reader_of", "unread_count"]
