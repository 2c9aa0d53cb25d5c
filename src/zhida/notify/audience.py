"""Who a notification zhida produces itself concerns: the active enterprise and staff accounts with
their subscriptions, and the enterprises a batch run found eligible for a measure."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.notify import subscriptions
from zhida.notify.tables import Subscription


@dataclass(frozen=True)
class Account:
    user_id: int
    role: str
    uscc: str | None
    units: tuple[str, ...]
    topics: tuple[subscriptions.Topic, ...]
    region: str | None = None  # a staff member's district (code): their figures count only its enterprises

    def wants(self, measure) -> bool:
        return subscriptions.measure_matches(list(self.topics), measure, units=self.units)


def accounts(session: Session) -> list[Account]:
    """Every active enterprise and staff account (admins subscribe to nothing)."""
    from zhida.web.tables import User

    stored: dict[int, list[subscriptions.Topic]] = {}
    for user_id, topic, value in session.execute(
            select(Subscription.user_id, Subscription.topic, Subscription.value).order_by(Subscription.id)):
        stored.setdefault(user_id, []).append(subscriptions.Topic(topic, value))
    out = []
    for user in session.scalars(select(User).where(User.active.is_(True), User.role.in_(("enterprise", "staff")))
                                .order_by(User.id)):
        topics = stored.get(user.id) or [subscriptions.Topic(*subscriptions.DEFAULT[user.role])]
        region = None
        if user.role == "staff" and user.region:
            from zhida.enterprises import regions

            region = regions.scope_code_or_none(user.region) or "—"  # unknown: matches no enterprise
        out.append(Account(user.id, user.role, user.uscc, tuple(user.units or ()), tuple(topics), region))
    return out


def latest_run(session: Session):
    from zhida.batch.tables import COMPLETE, BatchRun

    return session.scalars(select(BatchRun).where(BatchRun.status == COMPLETE)
                           .order_by(BatchRun.finished_at.desc(), BatchRun.id.desc()).limit(1)).first()


def eligible_usccs(session: Session, run_id: int, measure_id: str, usccs: set[str]) -> set[str]:
    """Of ``usccs``, those the run found eligible for the measure."""
    from zhida.batch.tables import BatchResult

    if not usccs:
        return set()
    return set(session.scalars(select(BatchResult.uscc).where(
        BatchResult.run_id == run_id, BatchResult.measure_id == measure_id, BatchResult.uscc.in_(usccs))))


def measure_link(measure) -> str:
    return f"/policies/{quote(str(measure.document), safe='')}"


def zh_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
