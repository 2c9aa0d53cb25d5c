"""One error shape for the whole web platform.

API paths (``/api/…``) answer ``{"error": {"code", "message", "field"}}``; pages answer the
same facts as a Chinese HTML page (or a redirect to the login page when not logged in).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class WebError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class NotLoggedIn(WebError):
    def __init__(self):
        super().__init__(401, "not_authenticated", "请先登录")


class Forbidden(WebError):
    def __init__(self, message: str = "当前账户无权访问此内容"):
        super().__init__(403, "forbidden", message)


class NotFound(WebError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(404, "not_found", message, field)


class Invalid(WebError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(422, "invalid", message, field)


class Conflict(WebError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(409, "conflict", message, field)


class PreconditionFailed(WebError):
    def __init__(self, message: str):
        super().__init__(412, "precondition_failed", message, "If-Match")


def _described(status: int, description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Declared on routes so the OpenAPI document lists every status a route can answer.
AUTH_ERRORS = {401: _described(401, "未登录"), 403: _described(403, "无权访问或 CSRF 校验失败")}
READ_ERRORS = {**AUTH_ERRORS, 422: _described(422, "参数无效")}
LOOKUP_ERRORS = {**READ_ERRORS, 404: _described(404, "不存在")}
# Public reads (no account needed): a visitor not logged in may be told to slow down.
PUBLIC_READ_ERRORS = {**READ_ERRORS, 429: _described(429, "未登录访问过于频繁（按客户端地址限流）")}
PUBLIC_LOOKUP_ERRORS = {**LOOKUP_ERRORS, 429: _described(429, "未登录访问过于频繁（按客户端地址限流）")}
WRITE_ERRORS = {**LOOKUP_ERRORS, 409: _described(409, "冲突")}
CONDITIONAL_WRITE_ERRORS = {**WRITE_ERRORS, 412: _described(412, "If-Match 与当前版本不符（已被他人修改）")}
