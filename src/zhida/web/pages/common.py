"""What every page needs: the layout context (user, navigation, CSRF token) and error pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from zhida.web.csrf import token_for
from zhida.web.deps import Principal, allowed, optional_principal
from zhida.web.errors import WebError


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    href: str
    family: str
    action: str = "read"


# The main navigation; an entry shows only to roles the permission matrix lets in.
NAV = (
    NavItem("policies", "政策库", "/policies", "policies"),
    NavItem("enterprises", "企业画像/政策体检", "/enterprises", "enterprises"),
    NavItem("push", "精准推送", "/push", "push"),
    NavItem("simulations", "模拟测算", "/simulations", "simulations", "run"),
    NavItem("coverage", "覆盖度", "/coverage", "coverage"),
    NavItem("account", "账户", "/account", "accounts", "self"),
)


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    items = []
    for item in NAV:
        if not allowed(principal.role, item.family, item.action):
            continue
        if item.key == "enterprises" and principal.role == "enterprise":
            item = NavItem(item.key, "本企业画像/政策体检", f"/enterprises/{principal.uscc}", item.family)
        items.append(item)
    return items


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, active: str | None = None) -> HTMLResponse:
    principal = optional_principal(request)
    base = {
        "user": principal,
        "nav": nav_for(principal),
        "active": active,
        "csrf_token": token_for(request),
        "htmx": bool(request.headers.get("HX-Request")),
    }
    base.update(context or {})
    return request.app.state.templates.TemplateResponse(request, template, base, status_code=status_code)


TITLES = {401: "请先登录", 403: "无权访问", 404: "未找到", 405: "不支持的请求", 422: "输入有误", 500: "服务器错误"}


def render_error(request: Request, error: WebError) -> HTMLResponse:
    return render(request, "error.html", {"error": error, "title": TITLES.get(error.status, "出错了")},
                  status_code=error.status)
