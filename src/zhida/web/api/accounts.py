"""账户 API: own password; user management and the audit log for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from zhida.errors import ZhidaError
from zhida import audit
from zhida.web import auth
from zhida.web.api.common import Pagination, meta, pagination
from zhida.web.api.schemas import AuditList, Message, PasswordChange, UserActive, UserCreate, UserEmail, UserList, UserOut
from zhida.web.deps import Principal, require
from zhida.web.errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, WebError
from zhida.web.library import Page, paginate
from zhida.web.ids import RowId

router = APIRouter(prefix="/api/v1", tags=["账户"])
admin = require("accounts", "admin")


def _conflict_or_invalid(exc: ZhidaError) -> WebError:
    status = 409 if exc.where == "username" and "已存在" in exc.reason else 422
    return WebError(status, "conflict" if status == 409 else "invalid", exc.reason, exc.where)


@router.get("/users", response_model=UserList, responses=READ_ERRORS, summary="用户列表（管理员）")
def list_users(request: Request, paging: Pagination = Depends(pagination), _: Principal = Depends(admin)) -> UserList:
    page = paginate(auth.list_users(request.app.state.store), paging.page, paging.per_page)
    return UserList(items=page.items, meta=meta(page))


@router.post("/users", response_model=UserOut, status_code=201, responses=WRITE_ERRORS, summary="新建用户（管理员）")
def create_user(body: UserCreate, request: Request, principal: Principal = Depends(admin)) -> UserOut:
    try:
        user = auth.create_user(request.app.state.store, principal.actor, **body.model_dump())
    except ZhidaError as exc:
        raise _conflict_or_invalid(exc) from exc
    return UserOut(**user)


@router.put("/users/{user_id}/active", response_model=UserOut, responses=WRITE_ERRORS, summary="启用/停用用户（管理员）")
def set_active(user_id: RowId, body: UserActive, request: Request, principal: Principal = Depends(admin)) -> UserOut:
    try:
        user = auth.set_active(request.app.state.store, principal.actor, user_id, body.active)
    except ZhidaError as exc:
        if exc.where == "user":
            raise WebError(404, "not_found", exc.reason, "user_id") from exc
        raise WebError(422, "invalid", exc.reason, exc.where) from exc
    return UserOut(**user)


@router.put("/users/{user_id}/email", response_model=UserOut, responses=WRITE_ERRORS, summary="设置用户通知邮箱（管理员）")
def set_user_email(user_id: RowId, body: UserEmail, request: Request, principal: Principal = Depends(admin)) -> UserOut:
    return UserOut(**_set_email(request, principal, user_id, body.email))


@router.put("/account/email", response_model=UserOut, responses=WRITE_ERRORS, summary="设置本人通知邮箱")
def set_own_email(body: UserEmail, request: Request,
                  principal: Principal = Depends(require("accounts", "self"))) -> UserOut:
    return UserOut(**_set_email(request, principal, principal.user_id, body.email))


def _set_email(request: Request, principal: Principal, user_id: int, email: str | None) -> dict:
    try:
        return auth.set_email(request.app.state.store, principal.actor, user_id, email)
    except ZhidaError as exc:
        if exc.where == "user":
            raise WebError(404, "not_found", exc.reason, "user_id") from exc
        raise WebError(422, "invalid", exc.reason, exc.where) from exc


@router.post("/account/password", response_model=Message, responses=READ_ERRORS, summary="修改本人密码")
def change_password(body: PasswordChange, request: Request,
                    principal: Principal = Depends(require("accounts", "self"))) -> Message:
    auth.change_password(request.app.state.store, principal.actor, principal.user_id,
                         body.current_password, body.new_password)
    return Message(message="密码已修改，请重新登录")


@router.get("/audit", response_model=AuditList, responses=AUTH_ERRORS | READ_ERRORS, summary="审计日志（管理员）")
def audit_log(
    request: Request,
    entity: str | None = Query(None, max_length=64, description="对象类型，如 user"),
    entity_id: str | None = Query(None, max_length=255),
    actor: str | None = Query(None, max_length=128, description="操作人用户名"),
    paging: Pagination = Depends(pagination),
    _: Principal = Depends(require("audit", "read")),
) -> AuditList:
    total, rows = audit.list_entries(request.app.state.store, entity=entity, entity_id=entity_id, actor=actor,
                                     offset=paging.offset, limit=paging.per_page)
    return AuditList(items=rows, meta=meta(Page(rows, total, paging.page, paging.per_page)))
