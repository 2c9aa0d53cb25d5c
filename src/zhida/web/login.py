"""One login attempt, shared by the login page and the API: throttle, verify, audit.

Order matters: a locked account or address is answered 429 before any password is hashed;
the hash itself waits for one of ``MAX_CONCURRENT_HASHES`` slots without holding a worker
thread (an anyio capacity limiter per event loop), so a flood of logins costs neither memory
nor the other requests' threads.
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from zhida import audit
from zhida.web import auth, login_throttle
from zhida.web.errors import WebError
from zhida.web.security import MAX_CONCURRENT_HASHES


class TooManyAttempts(WebError):
    def __init__(self, seconds: int):
        super().__init__(429, "too_many_attempts", login_throttle.wait_message(seconds))
        self.retry_after = seconds


class BadCredentials(WebError):
    def __init__(self):
        super().__init__(401, "bad_credentials", "用户名或密码错误，或账户已停用", field="password")


def _limiter(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    limiter = getattr(state, "hash_limiter", None)
    if limiter is None:  # created inside the running event loop, once per app
        limiter = state.hash_limiter = anyio.CapacityLimiter(MAX_CONCURRENT_HASHES)
    return limiter


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def attempt(request: Request, username: str, password: str) -> dict[str, Any]:
    """The user's JSON when the password is right and nothing is locked; else raise
    TooManyAttempts (429) or BadCredentials (401). Every outcome is audited."""
    store = request.app.state.store
    address = client_address(request)
    name = (username or "").strip()[:64]
    wait = await run_in_threadpool(login_throttle.retry_after, store, name, address)
    if wait is not None:
        await run_in_threadpool(audit.event, store, actor=name or "（空）", actor_id=None, action="login_throttled",
                                entity="user", entity_id=name, detail=f"登录被限制，{wait} 秒后可再试")
        raise TooManyAttempts(wait)
    user = await anyio.to_thread.run_sync(auth.authenticate, store, name, password, limiter=_limiter(request))
    if user is None:
        locked = await run_in_threadpool(login_throttle.record_failure, store, name, address)
        detail = "用户名或密码错误" + (f"；已锁定 {locked} 秒" if locked else "")
        await run_in_threadpool(audit.event, store, actor=name or "（空）", actor_id=None, action="login_failed",
                                entity="user", entity_id=name, detail=detail)
        raise BadCredentials()
    await run_in_threadpool(login_throttle.record_success, store, name)
    await run_in_threadpool(audit.event, store, actor=user["username"], actor_id=user["id"], action="login",
                            entity="user", entity_id=str(user["id"]), detail="登录")
    return user


def logged_out(request: Request, principal) -> None:
    if principal is not None:
        audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="logout",
                    entity="user", entity_id=str(principal.user_id), detail="退出登录")
