"""The unread count beside 消息 in the header, computed only when a page's layout shows it."""

from __future__ import annotations


def unread_for(request, principal):
    """A callable for the layout (None when nobody is logged in): the principal's unread count."""
    if principal is None:
        return None

    def count() -> int:
        from zhida import notify

        with request.app.state.store.sessions() as session:
            return notify.unread_count(session, principal)

    return count
