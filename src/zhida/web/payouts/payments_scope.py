"""Whose payments a user sees: an enterprise its own; staff the records of their units' measures
(all measures when no unit is recorded) and, when a district is recorded, of that district only;
admins everything. The same scope for the API and the pages."""

from __future__ import annotations

from zhida.matching.match import load_default_policies
from zhida.payouts import views
from zhida.payouts.ledger import Approver, LedgerError
from zhida.payouts.tables import ExemptList
from zhida.pushlists.scope import visible_measures
from zhida.web.deps import Principal
from zhida.web.errors import Conflict, Forbidden, NotFound
from zhida.web.push_lists import scope_of
from zhida.workflow.engine import NotAllowed, StaleCase


def scope_for(principal: Principal, policies=None) -> views.Scope:
    policies = policies or load_default_policies()
    if principal.role == "enterprise":
        return views.Scope(uscc=principal.uscc or "—")
    if principal.role == "admin":
        return views.Scope()
    s = scope_of(principal)
    measures = frozenset(m.id for m in visible_measures(policies, s)) if s.units else None
    return views.Scope(measures=measures, district=s.district)


def approver(principal: Principal, role: str = "unit") -> Approver:
    return Approver(principal.username, principal.user_id, role)


def own_list(session, principal: Principal, list_id: int, policies=None) -> ExemptList:
    """A 免申即享 list of one of the user's units' measures (404 otherwise: the same as absent)."""
    listing = session.get(ExemptList, list_id)
    scope = scope_for(principal, policies)
    if listing is None or (scope.measures is not None and listing.measure_id not in scope.measures):
        raise NotFound("没有这个免申即享名单", "list_id")
    return listing


def web_error(exc: Exception):
    """A guard's refusal or a stale/forbidden step as the web error it is."""
    if isinstance(exc, StaleCase):
        return Conflict(exc.reason)
    if isinstance(exc, NotAllowed):
        return Forbidden(exc.reason)
    if isinstance(exc, LedgerError):
        return Conflict(exc.reason, exc.where)
    return None


def stacking_of(request, principal: Principal, as_of) -> list[dict] | None:
    """Which of the enterprise's measures stack or exclude each other (None: no stored profile)."""
    from sqlalchemy import select

    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.payouts import stacking
    from zhida.payouts.ledger import _live

    with request.app.state.store.transaction() as s:
        row = s.scalars(select(Enterprise.profile_json).where(Enterprise.uscc == principal.uscc)).first()
        if row is None:
            return None
        held = _live(s, principal.uscc)
    return stacking.for_profile(EnterpriseProfile.model_validate(row), as_of, load_default_policies(), held)
