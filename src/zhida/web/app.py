"""The web application: ``create_app(database_url)`` builds the FastAPI app over one store.

Cross-cutting concerns live here, each once: the store, templates, security headers, the
CSRF check (an app-wide dependency, so no unsafe route can miss it), and the error handlers
that give API and pages their consistent error bodies.
"""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.requests import cookie_parser
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhida import config
from zhida.errors import ZhidaError
from zhida.store import open_store
from zhida import audit
from zhida.web import tables  # noqa: F401 - tables registers the web tables on the store's Base
from zhida.web import invalid_request, openapi_errors
from zhida.web.assets import VENDOR_FILES, missing_vendor_files
from zhida.web.csrf import csrf_protect
from zhida.web.errors import ErrorBody, NotFound, WebError
from zhida.web.public_access import PublicLimit, quiet_access_log
from zhida.web.rules_view import load_catalog
from zhida.web.security import ANON_COOKIE, load_secret, new_token
from zhida.web.templating import make_templates

log = logging.getLogger("zhida.web")
HERE = Path(__file__).parent

# Scripts only from this origin; styles may be set inline by ECharts and htmx.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SWAGGER_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def create_app(database_url: str | None = None, *, secret: bytes | None = None,
               secure_cookies: bool | None = None, hsts_seconds: int | None = None) -> FastAPI:
    """Settings not given here come from the environment (zhida.config: ZHIDA_SECURE_COOKIES,
    ZHIDA_HSTS_SECONDS), so the factory form used by ``zhida serve`` honours them."""
    store = open_store(database_url)

    from zhida.notify import timer as notify_timer

    tick_seconds = notify_timer.seconds_from_env()  # a malformed setting stops here, with its name

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        _warm_up()
        stop_ticking = notify_timer.start(store, tick_seconds)  # ZHIDA_NOTIFY_TICK_SECONDS (default off)
        yield
        stop_ticking()
        gc.unfreeze()  # so that exiting collects them as usual
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="政策直达 zhida API",
        version="0.1.0",
        description="政策库、规则、企业画像与政策体检的 REST 接口。登录后以会话 Cookie 认证；"
        "所有修改类请求须带 X-CSRF-Token 头（值见 GET /api/v1/auth/csrf 或登录响应）。",
        docs_url=None,  # served below from local assets instead of a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_protect)],
        responses={403: {"model": ErrorBody, "description": "无权访问或 CSRF 校验失败"},
                   413: {"model": ErrorBody, "description": "请求内容过大（各路由上限见 body_limits.LIMITS）"}},
    )
    app.state.store = store
    app.state.secret = secret or load_secret()
    app.state.secure_cookies = config.secure_cookies() if secure_cookies is None else secure_cookies
    app.state.hsts_seconds = config.hsts_seconds() if hsts_seconds is None else hsts_seconds
    app.state.templates = make_templates(HERE / "templates")
    app.state.rules = load_catalog()
    app.state.public_limit = PublicLimit()  # anonymous reads, per client address (in memory)
    quiet_access_log()  # a visitor's calculator answers stay out of the access log
    app.state.enterprise_region = None  # set by the enterprises domain (uscc → district)
    from zhida.web.platform import install as install_enterprise_features

    install_enterprise_features(app)  # checkups, region guard, background jobs
    missing = missing_vendor_files()
    if missing:
        log.warning("front-end assets missing (run `npm ci`): %s", ", ".join(missing))

    _install_middleware(app)
    _install_error_handlers(app)
    _install_assets(app)
    _install_routers(app)
    openapi_errors.install(app)

    return app


def _warm_up() -> None:
    """Before the first request: the policies loaded (else the first checkup pays for it), then
    everything loaded so far kept out of the garbage collector's full collections — they would
    scan the ~1M long-lived objects of the policies and the app again and again (~0.3 s each)
    while checkups are computed. Refcounting still frees them; only cycles among them stay."""
    from zhida.matching.match import load_default_policies

    load_default_policies()
    gc.collect()
    gc.freeze()


def _install_middleware(app: FastAPI) -> None:
    from zhida.web.body_limits import BodyLimits
    from zhida.web.checkup_fast import MemoizedCheckups

    app.add_middleware(MemoizedCheckups, state=app.state)
    app.add_middleware(BodyLimits, state=app.state)  # before anything reads a body
    app.add_middleware(HeadersAndSeed, secure_cookies=app.state.secure_cookies,  # outermost: every answer
                       hsts_seconds=app.state.hsts_seconds)


def _security_headers(csp: str) -> tuple[tuple[bytes, bytes], ...]:
    return ((b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"))


_SECURITY = _security_headers(CSP)
_SWAGGER_SECURITY = _security_headers(SWAGGER_CSP)
_NO_STORE = (b"cache-control", b"no-store")


class HeadersAndSeed:
    """Security headers on every response, and a random seed cookie for a visitor handed a form
    before logging in: the CSRF token of that form (the login page) is derived from it. Answers
    that carry no such token (the public library, 解读, calculator) set no cookie at all.

    A plain ASGI middleware: the ``@app.middleware("http")`` form re-streams every response body
    through a memory channel, a measurable cost on the 150 KB checkup report. Headers a response
    already sets are kept (added only when absent, as ``setdefault`` would).
    """

    def __init__(self, app, secure_cookies: bool = False, hsts_seconds: int = 0):
        self.app = app
        self.cookie_attributes = "; HttpOnly; Path=/; SameSite=lax" + ("; Secure" if secure_cookies else "")
        hsts = ((b"strict-transport-security", f"max-age={hsts_seconds}; includeSubDomains".encode()),)
        self.hsts = hsts if hsts_seconds > 0 else ()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        audit.CLIENT.set(client[0] if client else None)  # "from where" of every audit entry
        seed = _cookie(scope, ANON_COOKIE)
        fresh = None if seed else new_token()
        state = scope.setdefault("state", {})
        state["anon_seed"] = seed or fresh
        path = scope.get("path", "")
        wanted = (*(_SWAGGER_SECURITY if path == "/api/docs" else _SECURITY), *self.hsts,
                  *(() if path.startswith("/static/") else (_NO_STORE,)))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                if not isinstance(headers, list):
                    headers = message["headers"] = list(headers)
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in wanted if h[0] not in present)
                if fresh and state.get("anon_seed_used"):
                    headers.append((b"set-cookie", f"{ANON_COOKIE}={fresh}{self.cookie_attributes}".encode()))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope, name: str) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            found = cookie_parser(value.decode("latin-1")).get(name)
            if found:
                return found
    return None


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(request: Request, error: WebError) -> JSONResponse | HTMLResponse | RedirectResponse:
    if wants_json(request):
        headers = {"WWW-Authenticate": "Cookie"} if error.status == 401 else {}
        if getattr(error, "retry_after", None):
            headers["Retry-After"] = str(error.retry_after)
        return JSONResponse(error.body(), status_code=error.status, headers=headers or None)
    if error.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("HX-Request"):  # htmx: ask the browser to go to the login page
            return HTMLResponse("", status_code=401, headers={"HX-Redirect": "/login"})
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from zhida.web.pages.common import render_error

    response = render_error(request, error)
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError):
        return _error_response(request, exc)

    @app.exception_handler(ZhidaError)
    async def zhida_error(request: Request, exc: ZhidaError):
        return _error_response(request, WebError(422, "invalid", exc.reason, exc.where))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message, field = invalid_request.describe(exc.errors())
        return _error_response(request, WebError(422, "invalid", message, field))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == invalid_request.FASTAPI_BODY_PARSE_DETAIL:
            return _error_response(request, WebError(422, "invalid", invalid_request.BODY_NOT_JSON))
        codes = {404: ("not_found", "页面或资源不存在"), 405: ("method_not_allowed", "不支持此请求方法")}
        code, message = codes.get(exc.status_code, ("http_error", str(exc.detail)))
        response = _error_response(request, WebError(exc.status_code, code, message))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, WebError(500, "internal_error", "服务器内部错误，请稍后重试或联系管理员"))


def _install_assets(app: FastAPI) -> None:
    app.mount("/static/app", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/static/vendor/{name}", include_in_schema=False)
    def vendor(name: str):
        path = VENDOR_FILES.get(name)
        if path is None or not path.is_file():
            raise NotFound(f"静态资源 {name} 不存在（是否已运行 npm ci？）")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="政策直达 API 文档",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/app/favicon.svg",
        )


def _install_routers(app: FastAPI) -> None:
    from zhida.web.api import routers as api_routers
    from zhida.web.pages import routers as page_routers

    from zhida.web import calculator, interpretation

    for router in api_routers():
        app.include_router(router)
    from zhida.web.desk import routing_api

    app.include_router(routing_api.router)
    for public in (interpretation, calculator):  # page and API of one concern in one module
        app.include_router(public.api)
        app.include_router(public.pages)
    from zhida.web.notify import api as notify_api, pages as notify_pages

    app.include_router(notify_api.router)
    app.include_router(notify_pages.router)
    from zhida.web import lifecycle

    for router in lifecycle.routers():  # before the 政策库 pages: /policies/expiring is not a document
        app.include_router(router)
    from zhida.web import consultation

    for router in consultation.routers():  # 政策征集
        app.include_router(router)
    for router in page_routers():
        app.include_router(router)
    from zhida.web import desk

    for router in desk.routers():  # the service desk's API and pages (issue 13)
        app.include_router(router)
    from zhida.web import supervision

    for router in supervision.routers():  # 督办 (issue 15)
        app.include_router(router)
    from zhida.web import drafts

    for router in drafts.routers():  # 措施草稿审核 (issue 17)
        app.include_router(router)
    from zhida.web import monitoring

    for router in monitoring.routers():  # 运行监测, 亩均评价 (issue 15)
        app.include_router(router)
    from zhida.web import finance, projects

    for router in (*projects.routers(), *finance.routers()):  # project library, 产业地图, 融资对接 (issue 14)
        app.include_router(router)
    from zhida.web.payouts import routers as payout_routers

    for router in payout_routers():
        app.include_router(router)
    from zhida.web import registries

    for router in registries.routers():  # 企业库与名单 (issue 14)
        app.include_router(router)
