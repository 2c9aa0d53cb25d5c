"""Setting and clearing the session cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS)."""

from __future__ import annotations

from fastapi import Request, Response

from zhida.web import auth
from zhida.web.security import SESSION_COOKIE


def start_session(request: Request, response: Response, user_id: int) -> str:
    """A NEW session id at every login (no fixation); any old session of this browser ends."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        auth.close_session(request.app.state.store, old)
    token = auth.open_session(request.app.state.store, user_id)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=request.app.state.secure_cookies,
                        max_age=int(auth.SESSION_LIFETIME.total_seconds()))
    request.state.session_token = token  # forms rendered in this response use the new token
    return token


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.close_session(request.app.state.store, token)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.app.state.secure_cookies)
