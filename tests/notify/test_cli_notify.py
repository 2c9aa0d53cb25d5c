"""`zhida users add --email`, `zhida notify outbox|send|tick` end to end on a store (injected clock)."""

from __future__ import annotations

from typer.testing import CliRunner

from zhida import notify
from zhida.cli import _register, app

from .conftest import PASSWORD, USCC_A


def test_cli_commands(store, monkeypatch):
    _register()
    runner = CliRunner()
    monkeypatch.setenv("ZHIDA_DATABASE_URL", store.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PW", PASSWORD)
    monkeypatch.delenv("ZHIDA_SMTP_HOST", raising=False)
    made = runner.invoke(app, ["users", "add", "a1", "--role", "enterprise", "--uscc", USCC_A,
                               "--email", "a1@qiye.example.cn", "--password-env", "PW"])
    assert made.exit_code == 0, made.output
    bad = runner.invoke(app, ["users", "add", "a2", "--role", "enterprise", "--uscc", USCC_A,
                              "--email", "不是邮箱", "--password-env", "PW"])
    assert bad.exit_code != 0
    with store.transaction() as session:
        notify.publish(session, event="payment.made", recipients=[notify.Recipient.enterprise(USCC_A)],
                       title="资金已拨付", body="")
    outbox = runner.invoke(app, ["notify", "outbox"])
    assert "待发送 1" in outbox.output
    send = runner.invoke(app, ["notify", "send"])
    assert send.exit_code == 0 and "未配置邮件服务器" in send.output
    wrong = runner.invoke(app, ["notify", "tick", "--now", "明天"])
    assert wrong.exit_code != 0
