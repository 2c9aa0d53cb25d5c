"""Application-window reminders (and the end of a measure's period of validity): N working days (official calendar, zhida.workflow.calendar)
before a measure's window opens and before it closes, to the subscribed enterprise accounts the
latest batch run found eligible for it and to the staff subscribed to it. Idempotent: each
(event, measure, day, account) is published once (dedupe key), however often the tick runs; a
tick missed on the reminder day still reminds on a later day before the window opens/closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from zhida.notify import audience
from zhida.notify.publish import publish
from zhida.notify.recipients import Recipient
from zhida.notify.tables import Message
from zhida.workflow import calendar

DEFAULT_DAYS = 5
OPENING, CLOSING, PERIOD_END = "window.opening", "window.closing", "deadline.near"


def reminder_day(day: date, working_days: int) -> date:
    """The working day ``working_days`` working days before ``day``."""
    counted = 0
    while counted < working_days:
        day -= timedelta(days=1)
        counted += calendar.is_workday(day)[0]
    return day


def working_days_left(today: date, day: date) -> int:
    """Working days after ``today`` up to and including ``day``."""
    noon = time(12)
    return calendar.working_days_between(datetime.combine(today, noon, calendar.BEIJING),
                                         datetime.combine(day, noon, calendar.BEIJING))


@dataclass(frozen=True)
class Due:
    event: str
    window: object  # windows.Window
    measure: object
    day: date


def due(windows_and_measures, today: date, working_days: int) -> list[Due]:
    out = []
    for window, measure in windows_and_measures:
        closing = PERIOD_END if getattr(window, "kind", "window") == "period" else CLOSING
        for event, day in ((OPENING, window.opens), (closing, window.closes)):
            if day is None:
                continue
            before_end = today < day if event == OPENING else today <= day
            if reminder_day(day, working_days) <= today and before_end:
                out.append(Due(event, window, measure, day))
    return out


def run(store, *, now: datetime, policies=None, working_days: int = DEFAULT_DAYS, windows=None) -> str:
    """Publish the reminders due at ``now``; ``windows``: [(Window, measure)] (default: every
    measure's window read from its text). Returns one line for the tick's report."""
    from zhida.notify import windows as windows_mod

    today = calendar.beijing_day(now)
    if windows is None:
        if policies is None:
            from zhida.matching.match import load_default_policies

            policies = load_default_policies()
        windows = [(w, policies.measures[w.measure_id]) for w in windows_mod.all_windows(policies, today)]
    todo = due(windows, today, working_days)
    if not todo:
        return f"申报窗口提醒：{len(windows)} 个申报时间或有效期截止日，今天没有到期的提醒"

    def work(session):
        run_row = audience.latest_run(session)
        people = audience.accounts(session)
        usccs = {a.uscc for a in people if a.role == "enterprise" and a.uscc}
        new = 0
        for item in todo:
            eligible = (audience.eligible_usccs(session, run_row.id, item.measure.id, usccs)
                        if run_row is not None else set())
            for account in people:
                if not account.wants(item.measure):
                    continue
                if account.role == "enterprise" and account.uscc not in eligible:
                    continue
                new += _remind(session, item, account.user_id, today, now)
        return new

    published = store.retrying(work)
    return f"申报窗口提醒：{len(todo)} 个窗口到了提醒时间，新发送 {published} 条提醒"


def _remind(session, item: Due, user_id: int, today: date, now: datetime) -> int:
    key = f"{item.event}:{item.measure.id}:{item.day.isoformat()}:{user_id}"
    if session.scalar(select(Message.id).where(Message.dedupe_key == key)) is not None:
        return 0
    left = working_days_left(today, item.day)
    when = audience.zh_day(item.day)
    if item.event == OPENING:
        title = f"“{item.measure.title}”将于{when}开始申报"
        lead = f"距开始申报还有 {left} 个工作日。"
    elif item.event == PERIOD_END:
        title = f"“{item.measure.title}”政策有效期将于{when}届满"
        lead = "今天是政策有效期的最后一天。" if left == 0 else f"距政策有效期届满还有 {left} 个工作日。"
    else:
        title = f"“{item.measure.title}”申报将于{when}截止"
        lead = "今天是申报截止日。" if left == 0 else f"距申报截止还有 {left} 个工作日。"
    source = "有效期（政策原文）" if item.event == PERIOD_END else "申报时间（政策原文）"
    body = f"{lead}\n{source}：{item.window.quote}" if item.window.quote else lead
    publish(session, event=item.event, recipients=[Recipient.user(user_id)], title=title[:255], body=body,
            link=audience.measure_link(item.measure), dedupe_key=key, at=now)
    return 1
