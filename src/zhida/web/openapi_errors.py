"""Statuses every API operation may answer outside its own code, declared in /api/openapi.json.

BodyLimits (web/body_limits.py) answers before any route runs: 413 when a body is larger than the
route's limit, 400 when Content-Length is not a number. Both are declared on every operation of a
method that carries a body, with the usual error body, so a client (and schemathesis) sees every
status an operation can give.
"""

from __future__ import annotations

from fastapi import FastAPI

from zhida.web.body_limits import BODY_METHODS

ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
BODY_LIMIT_RESPONSES = {
    "400": {"description": "Content-Length 无效", "content": ERROR_BODY},
    "413": {"description": "请求内容过大（按路由限制，未读取即拒收）", "content": ERROR_BODY},
}


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method.upper() in BODY_METHODS:
                    for status, response in BODY_LIMIT_RESPONSES.items():
                        operation.setdefault("responses", {}).setdefault(status, response)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
