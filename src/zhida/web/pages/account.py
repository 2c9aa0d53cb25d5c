"""账户 pages: own profile and password; users and the audit log for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from zhida.errors import ZhidaError
from zhida.rules.vocabulary import ROLE_ZH
from zhida import audit
from zhida.web import audit_view, auth
from zhida.web.deps import Principal, require
from zhida.web.pages.common import render
from zhida.web.session_cookie import end_session
from zhida.web.ids import RowId

router = APIRouter(include_in_schema=False)
admin = require("accounts", "admin")


def _own_email(request: Request, principal: Principal) -> str | None:
    from zhida.web.tables import User

    with request.app.state.store.sessions() as session:
        user = session.get(User, principal.user_id)
        return user.email if user is not None else None


def _profile(request: Request, principal: Principal, *, error=None, done=None, email_error=None, email=None,
             status_code=200):
    return render(request, "account/profile.html", {
        "title": "账户", "error": error, "done": done, "email_error": email_error,
        "email": _own_email(request, principal) if email is None else email,
    }, status_code=status_code, active="account")


@router.get("/account")
def account_page(request: Request, principal: Principal = Depends(require("accounts", "self"))):
    return _profile(request, principal, done="通知邮箱已保存" if request.query_params.get("email") == "1" else None)


@router.post("/account/email")
def set_own_email(request: Request, email: str = Form("", max_length=254),
                  principal: Principal = Depends(require("accounts", "self"))):
    try:
        auth.set_email(request.app.state.store, principal.actor, principal.user_id, email)
    except ZhidaError as exc:
        return _profile(request, principal, email_error=exc, email=email, status_code=422)
    return RedirectResponse("/account?email=1", status_code=303)


@router.post("/account/password")
def change_password(
    request: Request,
    current_password: str = Form("", max_length=256),
    new_password: str = Form("", max_length=256),
    confirm_password: str = Form("", max_length=256),
    principal: Principal = Depends(require("accounts", "self")),
):
    try:
        if new_password != confirm_password:
            raise ZhidaError("confirm_password", "两次输入的新密码不一致")
        auth.change_password(request.app.state.store, principal.actor, principal.user_id, current_password,
                             new_password)
    except ZhidaError as exc:
        return _profile(request, principal, error=exc, status_code=422)
    response = RedirectResponse("/login?changed=1", status_code=303)
    end_session(request, response)
    return response


def _users_page(request: Request, *, error=None, form=None, status_code=200):
    return render(request, "account/users.html", {
        "title": "用户管理", "users": auth.list_users(request.app.state.store), "error": error,
        "form": form or {"username": "", "role": "staff", "display_name": "", "units": "", "region": "", "uscc": "", "email": ""},
        "role_zh": ROLE_ZH,
    }, status_code=status_code, active="account")


@router.get("/account/users")
def users_page(request: Request, _: Principal = Depends(admin)):
    return _users_page(request)


@router.post("/account/users")
def create_user(
    request: Request,
    username: str = Form("", max_length=64),
    password: str = Form("", max_length=256),
    role: str = Form("staff", max_length=16),
    display_name: str = Form("", max_length=255),
    units: str = Form("", max_length=2000),
    region: str = Form("", max_length=64),
    uscc: str = Form("", max_length=32),
    email: str = Form("", max_length=254),
    principal: Principal = Depends(admin),
):
    form = {"username": username, "role": role, "display_name": display_name, "units": units, "region": region,
            "uscc": uscc, "email": email}
    unit_list = [u.strip() for u in units.replace("，", ",").replace("、", ",").split(",") if u.strip()]
    try:
        auth.create_user(request.app.state.store, principal.actor, username=username, password=password, role=role,
                         units=unit_list, region=region, uscc=uscc, display_name=display_name, email=email)
    except ZhidaError as exc:
        return _users_page(request, error=exc, form=form, status_code=422)
    return RedirectResponse("/account/users", status_code=303)


@router.post("/account/users/{user_id}/active")
def set_active(request: Request, user_id: RowId, active: str = Form("", max_length=8),
               principal: Principal = Depends(admin)):
    try:
        auth.set_active(request.app.state.store, principal.actor, user_id, active == "1")
    except ZhidaError as exc:
        return _users_page(request, error=exc, status_code=422)
    return RedirectResponse("/account/users", status_code=303)


@router.post("/account/users/{user_id}/email")
def set_user_email(request: Request, user_id: RowId, email: str = Form("", max_length=254),
                   principal: Principal = Depends(admin)):
    try:
        auth.set_email(request.app.state.store, principal.actor, user_id, email)
    except ZhidaError as exc:
        return _users_page(request, error=exc, status_code=422)
    return RedirectResponse("/account/users", status_code=303)


@router.get("/account/audit")
def audit_page(request: Request, page: int = Query(1, ge=1, le=10000), _: Principal = Depends(require("audit", "read"))):
    per_page = 50
    total, rows = audit.list_entries(request.app.state.store, offset=(page - 1) * per_page, limit=per_page)
    return render(request, "account/audit.html", {
        "title": "审计日志", "rows": [audit_view.readable(r) for r in rows], "page": page, "pages": max(1, -(-total // per_page)), "total": total,
    }, active="account")
