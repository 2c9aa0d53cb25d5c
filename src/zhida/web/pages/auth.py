"""Login and logout pages."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from starlette.concurrency import run_in_threadpool

from zhida.web import login as login_flow
from zhida.web.deps import optional_principal
from zhida.web.errors import WebError
from zhida.web.pages.common import render
from zhida.web.session_cookie import end_session, start_session

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site paths: '/x' but not '//evil.example' or 'https://…' (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"  # the home route sends each role to its landing page


@router.get("/")
def home(request: Request):
    """Each role's landing page: enterprises 我的政策, officials their dashboard (工作台); a visitor
    without an account the public policy library (登录 is at the top of every page)."""
    principal = optional_principal(request)
    if principal is None:
        return RedirectResponse("/policies", status_code=303)
    return RedirectResponse("/my" if principal.role == "enterprise" else "/dashboard", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    return render(request, "login.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/login")
async def login(request: Request, username: str = Form("", max_length=64), password: str = Form("", max_length=256),
                next: str = Form("/", max_length=2000)):
    try:
        user = await login_flow.attempt(request, username, password)
    except WebError as exc:
        page = render(request, "login.html", {"next": safe_next(next), "error": exc.message, "username": username},
                      status_code=exc.status)
        if isinstance(exc, login_flow.TooManyAttempts):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(safe_next(next), status_code=303)
    await run_in_threadpool(start_session, request, response, user["id"])
    return response


@router.post("/logout")
def logout(request: Request):
    login_flow.logged_out(request, optional_principal(request))
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response)
    return response
