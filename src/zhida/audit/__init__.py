"""The audit log: every change, export and security event records who, when, what, from where
(the client's address) and the JSON before and after; entries are hash-chained (zhida.audit.chain).

``record`` is called inside the same transaction as the change it describes, so a change
and its audit entry are committed together or not at all; ``event`` records something that
changes nothing (a login, an export) in a transaction of its own.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida.store.database import Store
from zhida.audit import chain as audit_chain
from zhida.audit.tables import AuditEntry

# The address of the client of the request being served (set by the app's outermost middleware,
# after uvicorn applied the forwarded headers of a trusted proxy); None on the command line.
CLIENT: ContextVar[str | None] = ContextVar("zhida_audit_client", default=None)


def record(
    session: Session,
    *,
    actor: str,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    detail: str | None = None,
    client: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=datetime.now(timezone.utc),
        actor=actor,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
        detail=detail,
        client=(client or CLIENT.get() or None),
    )
    audit_chain.append(session, entry)
    return entry


def event(store: Store, *, actor: str, actor_id: int | None, action: str, entity: str, entity_id: str,
          detail: str | None = None, after: dict[str, Any] | None = None) -> None:
    """An entry for something that changes no data (login, logout, export, what-if, …)."""
    client = CLIENT.get()  # read here: retrying may run the work after a pause, same thread
    store.retrying(lambda session: record(session, actor=actor[:128], actor_id=actor_id, action=action,
                                          entity=entity, entity_id=str(entity_id)[:255], before=None,
                                          after=after, detail=detail, client=client))


def by(store: Store, principal, action: str, entity: str, entity_id: str, detail: str | None = None,
       after: dict[str, Any] | None = None) -> None:
    """``event`` done by a logged-in principal (deps.Principal)."""
    event(store, actor=principal.username, actor_id=principal.user_id, action=action, entity=entity,
          entity_id=entity_id, detail=detail, after=after)


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "detail": entry.detail,
        "client": entry.client,
    }


def list_entries(
    store: Store,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[dict[str, Any]]]:
    """Newest first; returns (total matching, the requested page)."""
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    with store.sessions() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).all()
        return total or 0, [entry_json(row) for row in rows]
