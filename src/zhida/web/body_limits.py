"""Request bodies bounded per route, before anything reads them (ASGI middleware).

One table, ``LIMITS``: the first entry whose prefix the path starts with sets the most bytes a
request body may have. A ``Content-Length`` above it is answered 413 at once, without reading a
byte of the body; a body without a length (chunked) is counted as it streams and cut off with
413 when it passes the limit. Upload routes also need a live session allowed to upload, checked
from the cookie alone before the body is read (401/403): an anonymous 200 MB upload costs
the server nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from zhida.web import auth
from zhida.web.deps import allowed
from zhida.web.security import SESSION_COOKIE

KIB = 1024
MIB = 1024 * KIB
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Limit:
    prefix: str
    max_bytes: int
    upload: bool = False  # session checked (and the right to upload) before the body is read


# First match wins: specific prefixes before general ones.
LIMITS: tuple[Limit, ...] = (
    Limit("/api/v1/auth/login", 4 * KIB),  # a username and a password
    Limit("/login", 4 * KIB),
    # the import's own limit is 20 MB of file (import_jobs.MAX_UPLOAD_BYTES) + multipart framing
    Limit("/api/v1/enterprises/import", 21 * MIB, upload=True),
    Limit("/enterprises/import", 21 * MIB, upload=True),
    Limit("/api/v1/requests/import", 8 * MIB, upload=True),  # 12345 tickets (hotline.MAX_ROWS rows)
    Limit("/desk/import", 6 * MIB, upload=True),
    # a progress report's evidence: supervision/data/supervision.yaml (5 files of 10 MB) + framing
    Limit("/api/v1/tasks/", 51 * MIB, upload=True),
    Limit("/supervision/tasks/", 51 * MIB, upload=True),
    Limit("/api/v1/registries", 6 * MIB),  # a list imported as XLSX (5 MB of file + multipart framing)
    Limit("/registries", 6 * MIB),
    Limit("/api/v1/calculator", 64 * KIB),  # answers to at most a few hundred questions
    # an application's attachment: 10 MB of file (payouts.applications.attachments.MAX_BYTES) + framing
    Limit("/api/v1/applications", 11 * MIB),
    Limit("/applications", 11 * MIB),
    Limit("/api/", 1 * MIB),  # JSON API: fact edits, what-ifs, batch parameters
    Limit("/", 256 * KIB),  # HTML forms
)


def limit_for(path: str) -> Limit:
    return next(limit for limit in LIMITS if path.startswith(limit.prefix))


def too_large_message(limit: Limit) -> str:
    size = f"{limit.max_bytes // MIB} MB" if limit.max_bytes >= MIB else f"{limit.max_bytes // KIB} KB"
    return f"请求内容过大（此处最多 {size}），已拒收"


class BodyTooLarge(Exception):
    pass


class BodyLimits:
    """ASGI middleware; ``state`` is the application's state (store)."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit():
                await _answer(scope, send, 400, "bad_request", "Content-Length 无效")
                return
            if int(length) > limit.max_bytes:
                await _answer(scope, send, 413, "too_large", too_large_message(limit))
                return
        if limit.upload:
            refusal = await self._upload_refusal(scope)
            if refusal is not None:
                await _answer(scope, send, *refusal)
                return
        await self._counted(scope, receive, send, limit)

    async def _upload_refusal(self, scope) -> tuple[int, str, str] | None:
        cookie = _header(scope, b"cookie")
        token = cookie_parser(cookie).get(SESSION_COOKIE) if cookie else None
        user = await run_in_threadpool(auth.memo_session_user, self.state.store, token) if token else None
        if user is None:
            return 401, "not_authenticated", "请先登录"
        if not allowed(user["role"], "enterprises", "import"):
            return 403, "forbidden", "当前账户无权上传导入文件"
        return None

    async def _counted(self, scope, receive, send, limit: Limit) -> None:
        """Pass the body on while counting; past the limit, answer 413 (if nothing was sent yet)
        and tell the application the client went away."""
        seen = 0
        started = False
        over = False

        async def counting_receive():
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit.max_bytes:
                    over = True
                    raise BodyTooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if over:
                return  # the 413 has been (or is being) sent; nothing of the application's goes out
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await _answer(scope, send, 413, "too_large", too_large_message(limit))


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1").strip()
    return None


async def _answer(scope, send, status: int, code: str, message: str) -> None:
    """The platform's error shape: JSON under /api/, else a one-line Chinese page (a redirect to
    the login page when not logged in). The connection is closed: the body was never read."""
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"code": code, "message": message, "field": None}}, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json")]
    elif status == 401:
        status, body, headers = 303, b"", [(b"location", b"/login")]
    else:
        body = f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{message}</p>".encode()
        headers = [(b"content-type", b"text/html; charset=utf-8")]
    headers += [(b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
