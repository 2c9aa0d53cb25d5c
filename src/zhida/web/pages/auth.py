"""Login and logout pages."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from zhida.web import auth as accounts
from zhida.web.deps import optional_principal
from zhida.web.pages.common import render
from zhida.web.session_cookie import end_session, start_session

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site paths: '/x' but not '//evil.example' or 'https://…' (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/policies"


@router.get("/")
def home(request: Request):
    return RedirectResponse("/policies" if optional_principal(request) else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    return render(request, "login.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/login")
def login(request: Request, username: str = Form("", max_length=64), password: str = Form("", max_length=256),
          next: str = Form("/policies", max_length=2000)):
    user = accounts.authenticate(request.app.state.store, username, password)
    if user is None:
        return render(request, "login.html",
                      {"next": safe_next(next), "error": "用户名或密码错误，或账户已停用", "username": username},
                      status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, user["id"])
    return response


@router.post("/logout")
def logout(request: Request):
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response)
    return response
