"""The outbox against a real SMTP server (aiosmtpd on a free local port): Chinese subject and body
arrive decoded correctly; the server down keeps the row, the server up sends it once; two senders
never claim the same row."""

from __future__ import annotations

import email
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from zhida import notify
from zhida.notify import mailer, outbox
from zhida.notify.tables import OutboxMail

from .conftest import USCC_A, make_user

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def settings(port: int) -> dict:
    return {"host": "127.0.0.1", "port": port, "sender": "政策直达 <noreply@zhida.example.cn>", "user": None,
            "password": None, "starttls": False}


def _publish(store, title="您有 3 项新符合条件的政策", body="其中“研发费用加计扣除”预计可享受 12.5 万元。"):
    with store.transaction() as session:
        return notify.publish(session, event="eligible.new", recipients=[notify.Recipient.enterprise(USCC_A)],
                              title=title, body=body, link="/mine", at=NOW)


def _rows(store):
    with store.transaction() as session:
        return session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def test_mail_arrives_with_chinese_subject_and_body_decoded(store, smtp, monkeypatch):
    controller, handler = smtp
    monkeypatch.setenv("ZHIDA_PUBLIC_URL", "https://zhida.example.cn/")
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="caiwu@qiye.example.cn")
    _publish(store)
    report = mailer.send_due(store, now=NOW, settings=settings(controller.port))
    assert (report.claimed, report.sent, report.retry) == (1, 1, 0)
    assert len(handler.received) == 1
    mail_from, rcpt, content = handler.received[0]
    assert mail_from == "noreply@zhida.example.cn" and rcpt == ["caiwu@qiye.example.cn"]
    parsed = email.message_from_bytes(content, policy=policy.default)
    assert parsed["Subject"] == "【政策直达】您有 3 项新符合条件的政策"
    assert b"=?utf-8?" in content.split(b"\r\n\r\n", 1)[0].lower()  # the header is RFC 2047-encoded
    text = parsed.get_content()
    assert "其中“研发费用加计扣除”预计可享受 12.5 万元。" in text
    assert "查看详情：https://zhida.example.cn/mine" in text
    row = _rows(store)[0]
    assert parsed["Message-ID"] == f"<zhida-notify-{row.id}@zhida.example.cn>"
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)
    # sent once: another run sends nothing
    assert mailer.send_due(store, now=NOW + timedelta(hours=1), settings=settings(controller.port)).claimed == 0
    assert len(handler.received) == 1


def test_server_down_keeps_the_row_then_server_up_sends_it_once(store):
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@qiye.example.cn")
    _publish(store)
    port = free_port()  # nothing listens here yet
    down = mailer.send_due(store, now=NOW, settings=settings(port))
    assert (down.claimed, down.sent, down.retry) == (1, 0, 1)
    assert "无法连接邮件服务器" in down.errors[0]
    row = _rows(store)[0]
    assert (row.status, row.attempts) == ("pending", 1)
    assert "无法连接邮件服务器" in row.last_error
    assert row.next_try_at.replace(tzinfo=UTC) == NOW + outbox.backoff(1)

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mailer.send_due(store, now=NOW + timedelta(seconds=30), settings=settings(port)).claimed == 0  # not due
        up = mailer.send_due(store, now=NOW + timedelta(minutes=2), settings=settings(port))
        assert (up.claimed, up.sent) == (1, 1)
        again = mailer.send_due(store, now=NOW + timedelta(days=1), settings=settings(port))
        assert again.claimed == 0
    finally:
        controller.stop()
    assert len(handler.received) == 1
    row = _rows(store)[0]
    assert (row.status, row.attempts) == ("sent", 2)


def test_backoff_grows_and_gives_up_after_max_attempts(store):
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@qiye.example.cn")
    _publish(store)
    port, now = free_port(), NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        report = mailer.send_due(store, now=now, settings=settings(port))
        assert report.claimed == 1
        now += outbox.backoff(attempt)
    row = _rows(store)[0]
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert mailer.send_due(store, now=now + timedelta(days=30), settings=settings(port)).claimed == 0
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert outbox.backoff(20) == outbox.LONGEST_RETRY


def test_not_configured_sends_nothing_and_keeps_the_rows(store, monkeypatch):
    monkeypatch.delenv("ZHIDA_SMTP_HOST", raising=False)
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@qiye.example.cn")
    _publish(store)
    report = mailer.send_due(store, now=NOW)
    assert report.configured is False and report.claimed == 0
    assert _rows(store)[0].status == "pending"


def test_two_senders_never_claim_the_same_row(store):
    for n in range(6):
        make_user(store, f"a{n}", "enterprise", uscc=USCC_A, email=f"a{n}@qiye.example.cn")
    for n in range(5):
        _publish(store, title=f"通知 {n}")
    claims: dict[str, list[int]] = {}
    start = threading.Barrier(2)

    def sender(name):
        start.wait()
        claims[name] = [c.id for c in outbox.claim(store, name, NOW, limit=100)]

    threads = [threading.Thread(target=sender, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = claims["one"] + claims["two"]
    assert len(together) == 30 and len(set(together)) == 30
    # a lease that expired (the sender died) is taken over once
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    assert len(outbox.claim(store, "three", later, limit=100)) == 30
    assert outbox.claim(store, "four", later, limit=100) == []
    assert not outbox.mark_sent(store, together[0], "one", later)  # the first owner lost its lease


def test_the_web_apps_timer_delivers_without_anyone_asking(store, smtp, monkeypatch):
    from zhida.notify import timer

    controller, handler = smtp
    for name, value in (("ZHIDA_SMTP_HOST", "127.0.0.1"), ("ZHIDA_SMTP_PORT", str(controller.port)),
                        ("ZHIDA_SMTP_FROM", "noreply@zhida.example.cn")):
        monkeypatch.setenv(name, value)
    make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@qiye.example.cn")
    with store.transaction() as session:
        notify.publish(session, event="payment.made", recipients=[notify.Recipient.enterprise(USCC_A)],
                       title="资金已拨付", body="")
    ticks = []
    stop = timer.start(store, 0.1, tick=lambda: ticks.append(mailer.send_due(store)))
    try:
        deadline = threading.Event()
        for _ in range(100):
            if handler.received:
                break
            deadline.wait(0.1)
    finally:
        stop()
    assert len(handler.received) == 1 and len(ticks) >= 1
    monkeypatch.setenv("ZHIDA_NOTIFY_TICK_SECONDS", "often")
    with pytest.raises(Exception) as caught:
        timer.seconds_from_env()
    assert caught.value.where == "ZHIDA_NOTIFY_TICK_SECONDS"
