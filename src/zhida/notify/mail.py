"""One outbox row as an e-mail: Chinese subject and body in UTF-8 (RFC 2047 subject, base64 body),
the Message-ID made from the outbox id so a resent mail is recognisably the same one."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from zhida import config
from zhida.notify import events

SIGNATURE = "——\n本邮件由政策直达平台自动发送，请勿直接回复。可在平台“通知设置”中关闭邮件提醒。"


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rsplit("@", 1)[1] if "@" in address else "localhost"


def message_id(outbox_id: int, sender: str) -> str:
    return f"<zhida-notify-{outbox_id}@{sender_domain(sender)}>"


def compose(*, outbox_id: int, sender: str, to: str, event: str, title: str, body: str, link: str | None,
            created_at) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = f"【政策直达】{title}"
    name, address = parseaddr(sender)
    mail["From"] = Address(display_name=name, addr_spec=address) if name else address
    mail["To"] = to
    mail["Message-ID"] = message_id(outbox_id, sender)
    mail["Date"] = format_datetime(created_at)
    lines = [f"{events.label(event)}：{title}", "", body.strip()]
    if link:
        lines += ["", f"查看详情：{config.public_url()}{link}"]
    lines += ["", SIGNATURE]
    mail.set_content("\n".join(lines).replace("\n\n\n", "\n\n") + "\n", charset="utf-8", cte="base64")
    return mail
