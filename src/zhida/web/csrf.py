"""CSRF protection: an app-wide dependency, so every unsafe route is covered by construction.

The token is presented in the X-CSRF-Token header (htmx, API clients) or the ``csrf_token``
form field (plain HTML forms); it must match the HMAC of the cookie the browser sent.
"""

from __future__ import annotations

from fastapi import Request

from zhida.web.errors import WebError
from zhida.web.security import ANON_COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_token, csrf_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# POSTs that change nothing and store nothing, so a forged one gains nothing: the 政策计算器 step
# (its answers travel in the JSON body; a visitor without an account has no token to send).
NO_STATE_POSTS = frozenset({"/api/v1/calculator"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfFailed(WebError):
    def __init__(self):
        super().__init__(403, "csrf_failed", "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试")


def _cookie_value(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE)


def token_for(request: Request) -> str:
    """The token to embed in this response's forms and htmx headers."""
    value = getattr(request.state, "session_token", None)  # just logged in: the new session
    value = value or request.cookies.get(SESSION_COOKIE)
    if not value:
        value = getattr(request.state, "anon_seed", None)
        # the seed cookie is sent only with an answer that hands out a token derived from it
        request.state.anon_seed_used = True
    return csrf_token(request.app.state.secret, value) if value else ""


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS or (request.method == "POST" and request.url.path in NO_STATE_POSTS):
        return
    presented = request.headers.get(CSRF_HEADER)
    if not presented and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()  # cached on the request: the route reads the same form
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not csrf_valid(request.app.state.secret, _cookie_value(request), presented):
        raise CsrfFailed()
