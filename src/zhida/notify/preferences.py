"""Per account and event kind: e-mail or inbox only. The inbox always gets every message; an
account with an e-mail address gets e-mail for every event kind it has not switched off."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.notify import events
from zhida.notify.tables import Preference


def wants_email(session: Session, user_id: int, event: str) -> bool:
    choice = session.scalar(select(Preference.email).where(Preference.user_id == user_id,
                                                           Preference.event == event))
    return True if choice is None else bool(choice)


def email_choices(session: Session, user_id: int) -> dict[str, bool]:
    """Every listed event kind → e-mail wanted."""
    stored = {event: email for event, email in session.execute(
        select(Preference.event, Preference.email).where(Preference.user_id == user_id))}
    return {code: stored.get(code, True) for code in events.EVENTS}


def set_email(session: Session, user_id: int, choices: dict[str, bool]) -> dict[str, bool]:
    """Store the choices (only listed event kinds); returns the choices before, for the audit."""
    before = email_choices(session, user_id)
    for code, wanted in choices.items():
        events.check(code)
        if code not in events.EVENTS:
            continue
        row = session.get(Preference, (user_id, code))
        if row is None:
            session.add(Preference(user_id=user_id, event=code, email=bool(wanted)))
        else:
            row.email = bool(wanted)
    session.flush()
    return before
