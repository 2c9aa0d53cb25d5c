"""A memoized checkup answered before routing: GET /api/v1/enterprises/{uscc}/checkup.

When everything the answer needs is at hand — the session's user memoized (auth), a guard that
needs no database (deps: role matrix, USCC scope; not a staff user limited to a region), and
the memoized checkup of the enterprise's current profile revision (one indexed query: an edit
by any process is seen at once) — the prepared bytes are sent (checkup_http) without FastAPI's
routing and dependency resolution, which cost more than everything else on this path.
In every other case, errors included, the request goes on to the API route, which applies the
same guard through its dependencies and answers through the same ``checkup_http.answer``.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl

from starlette.requests import cookie_parser

from zhida.errors import DataError
from zhida.matching.checkup import memo_key
from zhida.web import auth, checkup_http, enterprise_data
from zhida.web.deps import check_enterprise_scope, needs_region, principal_from
from zhida.dates import in_range
from zhida.web.errors import WebError
from zhida.web.security import SESSION_COOKIE
from zhida.web.uscc import normalize_uscc

PATH = re.compile(r"/api/v1/enterprises/([^/]+)/checkup")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MemoizedCheckups:
    """ASGI middleware; ``state`` is the application's state (store, checkups, as_of)."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            found = PATH.fullmatch(scope["path"])
            answer = self._answer(scope, found.group(1)) if found else None
            if answer is not None:
                status, headers, body = answer
                await send({"type": "http.response.start", "status": status, "headers": list(headers)})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _answer(self, scope, raw_uscc: str):
        """(status, headers, body), or None to leave the request to the API route."""
        query = scope.get("query_string", b"")
        as_of, explain = _as_of(query, self.state.as_of), _explain(query)
        cookie = accept = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                cookie = value
            elif name == b"accept-encoding":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value
        token = cookie_parser(cookie.decode("latin-1")).get(SESSION_COOKIE) if cookie else None
        user = auth.memoized_session_user(self.state.store, token) if token and as_of and explain is not None else None
        if user is None:
            return None
        principal = principal_from(user)
        if not principal.can("checkup", "read") or needs_region(principal):
            return None
        try:
            uscc = normalize_uscc(raw_uscc)
            check_enterprise_scope(principal, uscc)
        except (DataError, WebError):
            return None
        revision = enterprise_data.revision(self.state.store, uscc)
        checkup = self.state.checkups.get(memo_key(uscc, revision, as_of, explain)) if revision is not None else None
        if checkup is None:
            return None
        return checkup_http.answer(checkup_http.representations(checkup), accept, if_none_match)


def _explain(query: bytes) -> bool | None:
    """The ``explain`` the route would read (true when absent); None when only the route can judge it
    (anything but one plain true/false)."""
    if b"explain" not in query:
        return True
    values = [v for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if k == "explain"]
    if not values:
        return True
    return {"true": True, "false": False}.get(values[0]) if len(values) == 1 else None


def _as_of(query: bytes, default: date) -> date | None:
    """The ``as_of`` the route would read (default when absent); None when only the route can
    judge it (anything but one plain YYYY-MM-DD)."""
    if not query:
        return default
    values = [v for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if k == "as_of"]
    if not values:
        return default
    if len(values) > 1 or not ISO_DATE.fullmatch(values[0]):
        return None
    try:
        day = date.fromisoformat(values[0])
    except ValueError:
        return None
    return day if in_range(day) else None  # the route answers the 422
