"""API login/logout: the same server-side session cookie as the pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from zhida.web import auth as accounts
from zhida.web.api.schemas import CsrfOut, LoginIn, LoginOut, Message, UserOut
from zhida.web.csrf import token_for
from zhida.web.deps import Principal, current_principal
from zhida.web.errors import AUTH_ERRORS, READ_ERRORS, WebError
from zhida.web.session_cookie import end_session, start_session

router = APIRouter(prefix="/api/v1/auth", tags=["认证"])


@router.get("/csrf", response_model=CsrfOut, summary="取得 CSRF 令牌（登录前后均可）")
def csrf(request: Request) -> CsrfOut:
    return CsrfOut(csrf_token=token_for(request))


@router.post("/login", response_model=LoginOut, responses=READ_ERRORS, summary="登录，设置会话 Cookie")
def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    user = accounts.authenticate(request.app.state.store, body.username, body.password)
    if user is None:
        raise WebError(401, "bad_credentials", "用户名或密码错误，或账户已停用", field="password")
    start_session(request, response, user["id"])
    return LoginOut(user=UserOut(**user), csrf_token=token_for(request))


@router.post("/logout", response_model=Message, responses=AUTH_ERRORS, summary="退出登录")
def logout(request: Request, response: Response) -> Message:
    end_session(request, response)
    return Message(message="已退出登录")


@router.get("/me", response_model=UserOut, responses=AUTH_ERRORS, summary="当前用户")
def me(principal: Principal = Depends(current_principal)) -> UserOut:
    return UserOut(id=principal.user_id, username=principal.username, role=principal.role,
                   display_name=principal.display_name, units=list(principal.units), region=principal.region,
                   uscc=principal.uscc, active=True)
