"""Who sees what of monitoring (row scope), over any person with role, units, uscc and region:
an enterprise sees only its own indicators and grades; district staff the enterprises of their
district; other staff and the admin everything. Alerts are officials' only: a unit's staff see
and close the alerts routed to their units, the admin all."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.monitoring.indicators import month_key
from zhida.monitoring.tables import MonAlert, MonEvaluation, MonIndicator

LIMIT = 500


def _district(person) -> tuple[str, ...]:
    """The staff user's district code (stored rows carry codes: indicators.region)."""
    code = getattr(person, "region_code", None)
    return (code,) if code else ()


def indicators(session: Session, person, *, month: str | None = None, uscc: str | None = None,
               limit: int = LIMIT) -> list[MonIndicator]:
    q = select(MonIndicator).order_by(MonIndicator.month.desc(), MonIndicator.uscc).limit(limit)
    if person.role == "enterprise":
        q = q.where(MonIndicator.uscc == person.uscc)
    elif person.role == "staff" and _district(person):
        q = q.where(MonIndicator.region_code.in_(_district(person)))
    if month:
        q = q.where(MonIndicator.month == month_key(month))
    if uscc:
        q = q.where(MonIndicator.uscc == uscc)
    return list(session.scalars(q))


def alerts(session: Session, person, *, month: str | None = None, status: str | None = None,
           limit: int = LIMIT) -> list[MonAlert]:
    q = select(MonAlert).order_by(MonAlert.month.desc(), MonAlert.id).limit(limit)
    if person.role == "enterprise":
        return []
    if person.role != "admin":
        q = q.where(MonAlert.unit.in_(person.units or ("—",)))
    if month:
        q = q.where(MonAlert.month == month_key(month))
    if status:
        q = q.where(MonAlert.status == status)
    return list(session.scalars(q))


def closing_units(person) -> tuple[str, ...] | None:
    """The units whose alerts ``person`` may close (None = any: the admin)."""
    return None if person.role == "admin" else tuple(person.units or ())


def evaluations(session: Session, person, *, year: int | None = None, grade: str | None = None,
                limit: int = LIMIT) -> list[MonEvaluation]:
    q = select(MonEvaluation).order_by(MonEvaluation.year.desc(), MonEvaluation.score.desc(), MonEvaluation.uscc).limit(limit)
    if person.role == "enterprise":
        q = q.where(MonEvaluation.uscc == person.uscc)
    elif person.role == "staff" and _district(person):
        q = q.where(MonEvaluation.region_code.in_(_district(person)))
    if year:
        q = q.where(MonEvaluation.year == year)
    if grade:
        q = q.where(MonEvaluation.grade == grade)
    return list(session.scalars(q))


def latest_month(session: Session) -> str | None:
    """The latest month any indicator is reported for."""
    from sqlalchemy import func

    return session.scalar(select(func.max(MonIndicator.month)))


def region_scope(person, requested: str | None) -> str:
    """The district whose figures a person sees: district staff their own; others the one asked
    ('' = the whole city)."""
    own = _district(person)
    if person.role == "staff" and own:
        return own[0]
    return (requested or "").strip()


def regions(session: Session, person) -> list[tuple[str, str]]:
    """(code, name) of the districts in the indicators a person may pick from."""
    from zhida.enterprises.regions import label

    if person.role == "staff" and _district(person):
        return [(c, label(c)) for c in _district(person)]
    codes = session.scalars(select(MonIndicator.region_code).where(MonIndicator.region_code.is_not(None)).distinct())
    return sorted((c, label(c)) for c in codes)


def enterprise_series(session: Session, person, uscc: str, months: int = 36) -> list[MonIndicator]:
    """One enterprise's rows, oldest first, within the person's scope (an enterprise: its own only)."""
    from zhida.errors import NotFoundOrHidden

    if person.role == "enterprise" and person.uscc != uscc:
        raise NotFoundOrHidden("uscc", "企业用户只能查看本企业的运行指标")
    rows = [r for r in indicators(session, person, uscc=uscc, limit=months)]
    return list(reversed(rows))


def kept_keys(session: Session) -> list:
    from zhida.monitoring.tables import MonKeyEnterprise

    return list(session.scalars(select(MonKeyEnterprise).order_by(MonKeyEnterprise.at.desc())))
