"""Status at a glance, in the colours supervisors use: red 逾期 (past the deadline, not done),
yellow 滞后 (reported behind or not started, or a report is overdue), blue 临近期限 (the deadline
within ``near_days``), green 已完成; grey for drafts and dropped tasks, none for 正常推进."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zhida.supervision import settings
from zhida.workflow.calendar import beijing_day

COLOURS = {"red": "逾期", "yellow": "滞后", "blue": "临近期限", "green": "已完成", "grey": "待确认", "none": "正常推进",
           "dropped": "已撤销"}


@dataclass(frozen=True)
class Status:
    colour: str
    label: str


def of(*, state: str, deadline, progress: str | None, report_overdue: bool, now: datetime,
       completed_at: datetime | None = None) -> Status:
    if state == "draft":
        return Status("grey", COLOURS["grey"])
    if state == "dropped":
        return Status("grey", COLOURS["dropped"])
    if state == "done":
        return Status("green", COLOURS["green"])
    today = beijing_day(now)
    if deadline is not None and today > deadline:
        return Status("red", COLOURS["red"])
    if progress in ("behind", "not_started") or report_overdue:
        return Status("yellow", COLOURS["yellow"])
    if deadline is not None and deadline - today <= timedelta(days=settings.load().near_days):
        return Status("blue", COLOURS["blue"])
    return Status("none", COLOURS["none"])
