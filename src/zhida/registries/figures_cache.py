"""梯度培育 figures kept once computed, with the time they were computed ("统计时间" on the page).

Every change of a registry's memberships or targets raises the registry's generation in the same
transaction (``changed``); figures saved at an older generation are not served. A reader
computes missing or stale figures and saves them (a failed save only costs the next reader the
computation). The generation is read before computing, so figures computed while a change
commits are saved as stale, never as current.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from zhida.registries import figures
from zhida.registries.definition import Registry
from zhida.registries.tables import CachedFigures, Generation


def changed(session: Session, registry: str) -> None:
    """Raise ``registry``'s generation (call in the transaction of the change)."""
    done = session.execute(update(Generation).where(Generation.registry_name == registry)
                           .values(generation=Generation.generation + 1))
    if done.rowcount:
        return
    try:
        with session.begin_nested():
            session.add(Generation(registry_name=registry, generation=1))
    except IntegrityError:  # another transaction created it meanwhile
        session.execute(update(Generation).where(Generation.registry_name == registry)
                        .values(generation=Generation.generation + 1))


def generation(session: Session, registry: str) -> int:
    return session.scalar(select(Generation.generation).where(Generation.registry_name == registry)) or 0


def _load(row: CachedFigures) -> figures.Figures:
    data = dict(row.data)
    data["day"] = date.fromisoformat(data["day"])
    return figures.Figures(**data)


def current(store, reg: Registry, day: date, months: int = 12) -> tuple[figures.Figures, datetime]:
    """The figures of ``reg`` on ``day`` and when they were computed (now, if they had to be)."""
    with store.sessions() as session:
        gen = generation(session, reg.name)
        row = session.scalar(select(CachedFigures).where(CachedFigures.registry_name == reg.name,
                                                         CachedFigures.day == day, CachedFigures.months == months))
        if row is not None and row.generation == gen:
            at = row.computed_at
            return _load(row), at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps no zone: stored as UTC
        found = figures.figures(session, reg, day, months)
    at = datetime.now(UTC)
    data = asdict(found) | {"day": day.isoformat()}

    def save(s: Session) -> None:
        kept = s.scalar(select(CachedFigures).where(CachedFigures.registry_name == reg.name, CachedFigures.day == day,
                                                    CachedFigures.months == months))
        if kept is None:
            s.add(CachedFigures(registry_name=reg.name, day=day, months=months, generation=gen, computed_at=at, data=data))
        elif kept.generation <= gen:
            kept.generation, kept.computed_at, kept.data = gen, at, data

    try:
        store.retrying(save)
    except (IntegrityError, OperationalError):  # a concurrent reader saved them first, or the store is busy
        pass
    return found, at
