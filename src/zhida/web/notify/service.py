"""What the pages and the API of notifications share: the user's settings and saving them (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from zhida import audit, notify
from zhida.errors import ZhidaError
from zhida.notify import preferences, subscriptions
from zhida.web.deps import Principal


@dataclass
class Settings:
    role: str
    topics: dict[str, str]  # the topics this role may choose → label
    subscriptions: list[subscriptions.Topic]
    email: dict[str, bool]  # event kind → e-mail wanted
    address: str | None

    def as_json(self) -> dict:
        return {"subscriptions": [t.as_json() for t in self.subscriptions],
                "available_topics": [{"topic": k, "label": v} for k, v in self.topics.items()],
                "email": [{"event": k, "label": notify.event_label(k), "email": v} for k, v in self.email.items()],
                "email_address": self.address}


def settings(store, principal: Principal) -> Settings:
    from zhida.web.tables import User

    with store.sessions() as session:
        user = session.get(User, principal.user_id)
        return Settings(principal.role, subscriptions.topics_for(principal.role),
                        subscriptions.of(session, principal.user_id, principal.role),
                        preferences.email_choices(session, principal.user_id), user.email if user else None)


def save(store, principal: Principal, topics: list[subscriptions.Topic] | None,
         email: dict[str, bool] | None) -> Settings:
    """Replace the subscriptions (None: unchanged) and e-mail choices (None: unchanged), audited
    in the same transaction."""
    from zhida.matching.match import load_default_policies

    measures = load_default_policies().measures if topics and any(t.topic == "measure" for t in topics) else None
    unknown = [code for code in (email or {}) if code not in notify.EVENTS]
    if unknown:
        raise ZhidaError("email", f"未知通知类型 {unknown[0]!r}")

    def work(session):
        before, after = {}, {}
        if topics is not None and principal.role in subscriptions.DEFAULT:
            old, new = subscriptions.replace(session, principal.user_id, principal.role, topics, measures=measures)
            before["subscriptions"], after["subscriptions"] = [t.as_json() for t in old], [t.as_json() for t in new]
        elif topics:
            raise ZhidaError("subscriptions", "管理员账户没有订阅项")
        if email is not None:
            before["email"] = preferences.set_email(session, principal.user_id, email)
            after["email"] = preferences.email_choices(session, principal.user_id)
        if before != after:
            audit.record(session, actor=principal.username, actor_id=principal.user_id, action="update",
                         entity="notify_settings", entity_id=str(principal.user_id), before=before, after=after)

    store.retrying(work)
    return settings(store, principal)
