"""publish → inbox: dedupe, rollback, scoping (enterprise A never sees B's messages), read/unread."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from zhida import notify
from zhida.errors import ZhidaError
from zhida.notify.tables import Message, MessageRecipient, OutboxMail

from .conftest import USCC_A, USCC_B, make_user


def _count(store, table) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_enterprise_message_reaches_every_account_of_the_uscc_and_no_other(store):
    a1 = make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@example.cn")
    a2 = make_user(store, "a2", "enterprise", uscc=USCC_A)
    b1 = make_user(store, "b1", "enterprise", uscc=USCC_B, email="b1@example.cn")
    with store.transaction() as session:
        mid = notify.publish(session, event="eligible.new", recipients=[notify.Recipient.enterprise(USCC_A)],
                             title="您有 2 项新符合条件的政策", body="详见我的政策。", link="/mine")
        notify.publish(session, event="payment.made", recipients=[notify.Recipient.enterprise(USCC_B)],
                       title="资金已拨付", body="B 的拨付")
    with store.transaction() as session:
        total, items = notify.inbox(session, a1)
        assert total == 1 and [i.id for i in items] == [mid]
        assert items[0].title == "您有 2 项新符合条件的政策" and items[0].unread
        assert items[0].event_label == "新符合条件的政策"
        assert notify.unread_count(session, a2) == 1
        total_b, items_b = notify.inbox(session, b1)
        assert total_b == 1 and items_b[0].title == "资金已拨付"
        # B cannot read (nor mark read) A's message
        assert notify.message(session, b1, mid) is None
        assert notify.mark_read(session, b1, [mid]) == []
        # e-mail only for the account with an address
        outbox = session.execute(select(OutboxMail.user_id, OutboxMail.address)
                                 .where(OutboxMail.message_id == mid)).all()
        assert outbox == [(a1, "a1@example.cn")]
    with store.transaction() as session:
        assert notify.unread_count(session, a1) == 1  # B's attempt marked nothing


def test_an_account_added_later_sees_its_enterprises_earlier_messages(store):
    make_user(store, "a1", "enterprise", uscc=USCC_A)
    with store.transaction() as session:
        notify.publish(session, event="window.closing", recipients=[notify.Recipient.enterprise(USCC_A)],
                       title="申报即将截止", body="…")
    later = make_user(store, "a9", "enterprise", uscc=USCC_A)
    with store.transaction() as session:
        assert notify.unread_count(session, later) == 1


def test_read_state_is_per_account(store):
    a1 = make_user(store, "a1", "enterprise", uscc=USCC_A)
    a2 = make_user(store, "a2", "enterprise", uscc=USCC_A)
    with store.transaction() as session:
        first = notify.publish(session, event="eligible.new", recipients=[notify.Recipient.enterprise(USCC_A)],
                               title="一", body="")
        second = notify.publish(session, event="eligible.new", recipients=[notify.Recipient.enterprise(USCC_A)],
                                title="二", body="", at=datetime(2030, 1, 1, tzinfo=UTC))
    with store.transaction() as session:
        assert notify.mark_read(session, a1, [first]) == [first]
        assert notify.mark_read(session, a1, [first]) == []  # already read
    with store.transaction() as session:
        assert notify.unread_count(session, a1) == 1
        assert notify.unread_count(session, a2) == 2
        total, unread = notify.inbox(session, a1, unread_only=True)
        assert total == 1 and [i.id for i in unread] == [second]
        _, everything = notify.inbox(session, a1)
        assert [i.id for i in everything] == [second, first]  # newest first
        assert everything[1].read_at is not None
        assert notify.mark_read(session, a2) == [first, second]  # all
    with store.transaction() as session:
        assert notify.unread_count(session, a2) == 0
        assert notify.mark_unread(session, a2, [second]) == 1
        assert notify.unread_count(session, a2) == 1


def test_staff_see_their_units_messages_and_users_their_own(store):
    s1 = make_user(store, "s1", "staff", units=["区科委"], email="s1@example.cn")
    s2 = make_user(store, "s2", "staff", units=["区商务局"])
    admin = make_user(store, "root", "admin")
    with store.transaction() as session:
        unit_msg = notify.publish(session, event="staff.summary", recipients=[notify.Recipient.unit("区科委")],
                                  title="科委汇总", body="")
        own = notify.publish(session, event="desk.request", recipients=[notify.Recipient.user(admin)],
                             title="给管理员", body="")
    with store.transaction() as session:
        assert [i.id for i in notify.inbox(session, s1)[1]] == [unit_msg]
        assert notify.inbox(session, s2) == (0, [])
        assert [i.id for i in notify.inbox(session, admin)[1]] == [own]
        assert [i.id for i in notify.inbox(session, notify.reader_of(session, s1))[1]] == [unit_msg]
        assert session.scalar(select(OutboxMail.address).where(OutboxMail.message_id == unit_msg)) == "s1@example.cn"


def test_dedupe_key_makes_the_second_publish_a_no_op(store):
    a1 = make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@example.cn")
    kwargs = dict(event="window.opening", recipients=[notify.Recipient.enterprise(USCC_A)], title="即将开始",
                  body="", dedupe_key="window.opening:m1:2026-12-10")
    with store.transaction() as session:
        first = notify.publish(session, **kwargs)
    with store.transaction() as session:
        assert notify.publish(session, **kwargs) == first
        assert notify.publish(session, **{**kwargs, "title": "改了标题"}) == first
    assert _count(store, Message) == 1
    assert _count(store, OutboxMail) == 1
    with store.transaction() as session:
        assert notify.unread_count(session, a1) == 1


def test_a_publish_in_a_rolled_back_transaction_leaves_nothing(store):
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@example.cn")
    with pytest.raises(RuntimeError):
        with store.transaction() as session:
            notify.publish(session, event="payment.made", recipients=[notify.Recipient.enterprise(USCC_A)],
                           title="资金已拨付", body="", dedupe_key="pay:1")
            raise RuntimeError("the change failed")
    assert (_count(store, Message), _count(store, MessageRecipient), _count(store, OutboxMail)) == (0, 0, 0)
    with store.transaction() as session:  # the dedupe key was not burnt by the rolled-back publish
        notify.publish(session, event="payment.made", recipients=[notify.Recipient.enterprise(USCC_A)],
                       title="资金已拨付", body="", dedupe_key="pay:1")
    assert (_count(store, Message), _count(store, OutboxMail)) == (1, 1)


def test_email_preference_off_means_inbox_only(store):
    from zhida.notify import preferences

    a1 = make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@example.cn")
    with store.transaction() as session:
        preferences.set_email(session, a1, {"eligible.new": False})
        notify.publish(session, event="eligible.new", recipients=[notify.Recipient.user(a1)], title="新政策", body="")
        notify.publish(session, event="payment.made", recipients=[notify.Recipient.user(a1)], title="拨付", body="")
        assert preferences.email_choices(session, a1)["eligible.new"] is False
    with store.transaction() as session:
        assert notify.unread_count(session, a1) == 2
    assert _count(store, OutboxMail) == 1


@pytest.mark.parametrize("change, field", [
    ({"event": "新政策"}, "event"), ({"title": " "}, "title"), ({"recipients": []}, "recipients"),
    ({"link": "http://evil.example/"}, "link"), ({"title": "长" * 256}, "title"),
])
def test_bad_input_names_the_field_and_writes_nothing(store, change, field):
    kwargs = dict(event="eligible.new", recipients=[notify.Recipient.enterprise(USCC_A)], title="标题", body="")
    with store.transaction() as session:
        with pytest.raises(ZhidaError) as caught:
            notify.publish(session, **{**kwargs, **change})
        assert caught.value.where == field
    assert _count(store, Message) == 0


def test_recipient_constructors_check_their_keys():
    assert notify.Recipient.enterprise(" 91110105ma01abcd5f ").key == USCC_A
    with pytest.raises(ZhidaError):
        notify.Recipient.enterprise("123")
    with pytest.raises(ZhidaError):
        notify.Recipient.user(0)
    with pytest.raises(ZhidaError):
        notify.Recipient.unit("  ")


def test_two_transactions_publishing_one_key_write_one_message(store):
    """PostgreSQL: the second insert waits for the first transaction, then finds its key taken;
    the savepoint undoes only that insert and publish answers the first message's id."""
    import threading
    import time

    if store.dialect != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite serializes whole transactions)")
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@example.cn")
    kwargs = dict(event="payment.made", recipients=[notify.Recipient.enterprise(USCC_A)], title="资金已拨付",
                  body="", dedupe_key="payment:42")
    published, first_done = {}, threading.Event()

    def first():
        with store.transaction() as session:
            published["first"] = notify.publish(session, **kwargs)
            first_done.set()
            time.sleep(0.5)  # the second transaction's insert waits on this one's key

    def second():
        first_done.wait()
        with store.transaction() as session:
            published["second"] = notify.publish(session, **kwargs)
            session.execute(select(1))  # the transaction stays usable after the undone insert

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert published["first"] == published["second"]
    assert (_count(store, Message), _count(store, OutboxMail)) == (1, 1)
