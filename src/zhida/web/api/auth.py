"""API login/logout: the same server-side session cookie as the pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from zhida.web import login as login_flow
from zhida.web.api.schemas import CsrfOut, LoginIn, LoginOut, Message, UserOut
from zhida.web.csrf import token_for
from zhida.web.deps import Principal, _principal, current_principal
from zhida.web.errors import AUTH_ERRORS, READ_ERRORS, ErrorBody
from zhida.web.session_cookie import end_session, start_session

router = APIRouter(prefix="/api/v1/auth", tags=["认证"])


@router.get("/csrf", response_model=CsrfOut, summary="取得 CSRF 令牌（登录前后均可）")
def csrf(request: Request) -> CsrfOut:
    return CsrfOut(csrf_token=token_for(request))


THROTTLED = {429: {"model": ErrorBody, "description": "登录失败次数过多（按账户、按来源地址限制），见 Retry-After 头"}}


@router.post("/login", response_model=LoginOut, responses={**READ_ERRORS, **THROTTLED},
             summary="登录，设置会话 Cookie（失败 5 次锁定账户、同一地址 30 次锁定地址，逐次加倍）")
async def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    user = await login_flow.attempt(request, body.username, body.password)
    await run_in_threadpool(start_session, request, response, user["id"])
    return LoginOut(user=UserOut(**user), csrf_token=token_for(request))


@router.post("/logout", response_model=Message, responses=AUTH_ERRORS, summary="退出登录")
def logout(request: Request, response: Response, principal: Principal | None = Depends(_principal)) -> Message:
    login_flow.logged_out(request, principal)
    end_session(request, response)
    return Message(message="已退出登录")


@router.get("/me", response_model=UserOut, responses=AUTH_ERRORS, summary="当前用户")
def me(principal: Principal = Depends(current_principal)) -> UserOut:
    return UserOut(id=principal.user_id, username=principal.username, role=principal.role,
                   display_name=principal.display_name, units=list(principal.units), region=principal.region,
                   uscc=principal.uscc, active=True)
