"""Application-window reminders on the official calendar, run by the tick with an injected clock:
due N working days before the window opens/closes, once per account however often it ticks,
only to subscribed accounts (enterprises: those the latest batch found eligible)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from zhida import notify
from zhida.batch.tables import BatchResult, BatchRun
from zhida.matching.match import load_default_policies
from zhida.notify import reminders, subscriptions, windows
from zhida.notify.tables import Message

from .conftest import USCC_A, USCC_B, make_user


def test_reminder_day_counts_official_working_days():
    assert reminders.reminder_day(date(2026, 12, 14), 5) == date(2026, 12, 7)
    # 国庆: 10月1日–7日 off; 2 working days before 10月9日 are 10月8日 and 9月30日
    assert reminders.reminder_day(date(2026, 10, 9), 2) == date(2026, 9, 30)
    # 10月10日 (a Saturday) is a make-up working day
    assert reminders.reminder_day(date(2026, 10, 12), 1) == date(2026, 10, 10)


def test_window_dates_read_from_the_sentence():
    assert windows.dates_of("2026年12月14日至12月25日", date(2026, 12, 1)) == (date(2026, 12, 14), date(2026, 12, 25))
    assert windows.dates_of("每年4月1日至4月30日", date(2026, 12, 3)) == (date(2027, 4, 1), date(2027, 4, 30))


def _beijing_morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


@pytest.fixture
def measure():
    policies = load_default_policies()
    return next(m for m in policies.measures.values()
                if m.enterprise_benefit and m.responsible_units and m.kind == "cash_subsidy")


def _batch(store, eligible: list[tuple[str, str]], key="run-1", input_="store", finished=None):
    with store.transaction() as session:
        run = BatchRun(run_key=key, status="complete", as_of=date(2026, 12, 1), engine="duckdb", input=input_,
                       out_dir="/tmp/x", started_at=finished or datetime(2026, 12, 1, tzinfo=UTC),
                       finished_at=finished or datetime(2026, 12, 1, tzinfo=UTC))
        session.add(run)
        session.flush()
        session.add_all(BatchResult(run_id=run.id, measure_id=m, uscc=u, status="eligible") for m, u in eligible)


def _titles(store, user_id):
    with store.transaction() as session:
        return [i.title for i in notify.inbox(session, user_id)[1]]


def test_tick_reminds_before_opening_and_closing_once(store, measure, monkeypatch):
    window = windows.Window(measure.id, measure.title, date(2026, 12, 14), date(2026, 12, 25),
                            "申报时间为2026年12月14日至12月25日")
    monkeypatch.setattr(windows, "all_windows", lambda policies, as_of: [window])
    a = make_user(store, "a1", "enterprise", uscc=USCC_A, email="a1@qiye.example.cn")
    b = make_user(store, "b1", "enterprise", uscc=USCC_B)  # not eligible
    staff = make_user(store, "s1", "staff", units=[measure.responsible_units[0]])
    other_staff = make_user(store, "s2", "staff", units=["与此无关的单位"])
    _batch(store, [(measure.id, USCC_A), (measure.id, USCC_B)])
    with store.transaction() as session:  # b opts out
        subscriptions.replace(session, b, "enterprise", [subscriptions.Topic("none")])
    runner = CliRunner()
    from zhida.cli import app, _register

    _register()
    monkeypatch.setenv("ZHIDA_DATABASE_URL", str(store.engine.url.render_as_string(hide_password=False)))

    def tick(day):
        result = runner.invoke(app, ["notify", "tick", "--now", _beijing_morning(day).isoformat(), "--no-send"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "今天没有到期的提醒" in tick(date(2026, 12, 4))  # 6 working days before: too early
    assert _titles(store, a) == []
    out = tick(date(2026, 12, 7))
    assert "新发送 2 条提醒" in out
    opening = f"“{measure.title}”将于2026年12月14日开始申报"[:255]
    assert _titles(store, a) == [opening] and _titles(store, staff) == [opening]
    assert _titles(store, b) == [] and _titles(store, other_staff) == []
    assert "新发送 0 条提醒" in tick(date(2026, 12, 7))  # same day again
    assert "新发送 0 条提醒" in tick(date(2026, 12, 9))  # later, still before opening
    tick(date(2026, 12, 18))
    closing = f"“{measure.title}”申报将于2026年12月25日截止"[:255]
    assert _titles(store, a)[0] == closing
    with store.transaction() as session:
        item = notify.inbox(session, a)[1][0]
        assert "距申报截止还有 5 个工作日" in item.body and "2026年12月14日至12月25日" in item.body
        assert item.link == f"/policies/{measure.document}"
        keys = session.scalars(select(Message.dedupe_key)).all()
    assert len(keys) == 4 == len(set(keys))
    assert "今天没有到期的提醒" in tick(date(2026, 12, 28))  # window closed


def test_without_a_batch_run_only_staff_are_reminded(store, measure):
    window = windows.Window(measure.id, measure.title, None, date(2026, 12, 25), "12月25日前")
    a = make_user(store, "a1", "enterprise", uscc=USCC_A)
    staff = make_user(store, "s1", "staff", units=[measure.responsible_units[0]])
    line = reminders.run(store, now=_beijing_morning(date(2026, 12, 21)), windows=[(window, measure)])
    assert "新发送 1 条提醒" in line
    assert _titles(store, a) == [] and len(_titles(store, staff)) == 1


def test_period_end_of_real_measures_reminds_their_staff(store):
    """On the reference policies with an injected clock: measures whose period of validity ends on
    2022-12-31 remind the staff of their units from 5 working days before."""
    policies = load_default_policies()
    ending = [m for m in policies.measures.values()
              if m.enterprise_benefit and m.period.end == date(2022, 12, 31) and m.responsible_units]
    assert ending
    unit = ending[0].responsible_units[0]
    staff = make_user(store, "s1", "staff", units=[unit])
    reminders.run(store, now=_beijing_morning(date(2022, 12, 23)), policies=policies)  # 6 working days before
    assert _titles(store, staff) == []
    line = reminders.run(store, now=_beijing_morning(date(2022, 12, 27)), policies=policies)
    theirs = {m.title for m in ending if unit in m.responsible_units}
    titles = _titles(store, staff)
    assert {f"“{t}”政策有效期将于2022年12月31日届满"[:255] for t in theirs} == set(titles), line
    with store.transaction() as session:
        item = notify.inbox(session, staff)[1][0]
    assert item.event == "deadline.near" and "距政策有效期届满还有 3 个工作日" in item.body
    reminders.run(store, now=_beijing_morning(date(2022, 12, 28)), policies=policies)
    assert len(_titles(store, staff)) == len(theirs)
