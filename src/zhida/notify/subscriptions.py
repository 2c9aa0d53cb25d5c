"""What an account subscribes to. Topics:

- enterprise accounts: ``all`` (every measure the enterprise may qualify for — the default when
  the account has no row), ``measure_kind`` (e.g. cash_subsidy), ``industry`` (measures whose
  criteria name that GB/T 4754 code), ``district`` (measures of that district's own jurisdiction);
  ``none`` switches the newly-eligible and window reminders off.
- staff accounts: ``my_measures`` (every measure their 责任单位 answer for — the default),
  ``measure`` (one measure by id), or ``none``.

Several rows are alternatives (any one matching is enough). The inbox still gets messages
addressed to the account directly (an application step, a payment): subscriptions only steer
the notifications zhida produces itself (newly eligible, application windows)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.notify.tables import Subscription

ENTERPRISE_TOPICS = {"all": "全部可能符合条件的政策", "measure_kind": "按政策类型", "industry": "按行业",
                     "district": "按地区", "none": "不订阅"}
STAFF_TOPICS = {"my_measures": "本单位负责的全部政策", "measure": "指定政策", "none": "不订阅"}
TOPIC_LABELS = {**ENTERPRISE_TOPICS, **STAFF_TOPICS}
DEFAULT = {"enterprise": ("all", ""), "staff": ("my_measures", "")}
NEEDS_VALUE = {"measure_kind", "industry", "district", "measure"}


@dataclass(frozen=True)
class Topic:
    topic: str
    value: str = ""

    @property
    def label(self) -> str:
        return TOPIC_LABELS.get(self.topic, self.topic)

    def as_json(self) -> dict:
        return {"topic": self.topic, "value": self.value, "label": self.label}


def topics_for(role: str) -> dict[str, str]:
    return ENTERPRISE_TOPICS if role == "enterprise" else STAFF_TOPICS if role == "staff" else {}


def of(session: Session, user_id: int, role: str) -> list[Topic]:
    """The account's subscriptions (its role's default when it has none)."""
    rows = session.execute(select(Subscription.topic, Subscription.value).where(Subscription.user_id == user_id)
                           .order_by(Subscription.id)).all()
    if rows:
        return [Topic(t, v) for t, v in rows]
    return [Topic(*DEFAULT[role])] if role in DEFAULT else []


def clean(role: str, topics: list[Topic], *, measures=None) -> list[Topic]:
    """Checked and normalised topics for ``role``; one-line errors naming the field."""
    allowed = topics_for(role)
    if not allowed:
        raise ZhidaError("topic", "管理员账户没有订阅项")
    out: list[Topic] = []
    for index, t in enumerate(topics):
        where = f"subscriptions[{index}]"
        if t.topic not in allowed:
            raise ZhidaError(f"{where}.topic", f"未知订阅项 {t.topic!r}，可选：{'、'.join(allowed)}")
        value = (t.value or "").strip()
        if t.topic in NEEDS_VALUE and not value:
            raise ZhidaError(f"{where}.value", f"“{allowed[t.topic]}”需要填写具体取值")
        if t.topic not in NEEDS_VALUE:
            value = ""
        if t.topic == "industry" and not re.fullmatch(r"[A-Ta-t]?\d{0,4}", value.replace(" ", "")):
            raise ZhidaError(f"{where}.value", f"行业代码应为国民经济行业分类代码（如 C、C39、3911），而不是 {value!r}")
        if t.topic == "industry":
            value = value.replace(" ", "").upper()
        if t.topic == "district":
            from zhida.enterprises import regions

            code = regions.scope_code_or_none(value)
            if code is None:
                raise ZhidaError(f"{where}.value", f"未知地区 {value}：请填写行政区划代码或名称")
            value = code
        if t.topic == "measure_kind":
            from zhida.rules.vocabulary import KIND_ZH

            if value not in KIND_ZH:
                raise ZhidaError(f"{where}.value", f"未知政策类型 {value!r}")
        if t.topic == "measure" and measures is not None and value not in measures:
            raise ZhidaError(f"{where}.value", f"没有编号为 {value} 的政策")
        topic = Topic(t.topic, value[:255])
        if topic not in out:
            out.append(topic)
    if any(t.topic == "none" for t in out) and len(out) > 1:
        raise ZhidaError("subscriptions", "“不订阅”不能与其他订阅项同时选择")
    return out


def replace(session: Session, user_id: int, role: str, topics: list[Topic], *, measures=None,
            at: datetime | None = None) -> tuple[list[Topic], list[Topic]]:
    """Replace the account's subscriptions; returns (before, after) for the audit. An empty list
    goes back to the role's default."""
    new = clean(role, topics, measures=measures)
    before = of(session, user_id, role)
    session.execute(delete(Subscription).where(Subscription.user_id == user_id))
    at = at or datetime.now(UTC)
    session.add_all(Subscription(user_id=user_id, topic=t.topic, value=t.value, created_at=at) for t in new)
    session.flush()
    return before, of(session, user_id, role)


# --- matching a measure -----------------------------------------------------------------------------

def measure_matches(topics: list[Topic], measure, *, units: tuple[str, ...] = ()) -> bool:
    """Does a notification about ``measure`` concern an account with these subscriptions?"""
    for t in topics:
        if t.topic == "all":
            return True
        if t.topic == "measure_kind" and measure.kind == t.value:
            return True
        if t.topic == "district" and t.value in (measure.jurisdiction or ()):
            return True
        if t.topic == "industry" and _names_industry(measure, t.value):
            return True
        if t.topic == "measure" and measure.id == t.value:
            return True
        if t.topic == "my_measures" and set(units).intersection(measure.responsible_units or ()):
            return True
    return False


_LITERAL = re.compile(r"'([A-T]?\d{1,4})'")


def _names_industry(measure, code: str) -> bool:
    """The measure's criteria compare ``industry_code`` with a code under ``code`` (or above it)."""
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRST")
    letter = code[:1] if code[:1].isalpha() else ""
    for condition in measure.conditions:
        text = str(condition.expr)
        if "industry" not in text:
            continue
        for literal in _LITERAL.findall(text):
            if letter and literal.startswith(letter):
                return True
            if digits and (literal.startswith(digits) or digits.startswith(literal)):
                return True
    return False
