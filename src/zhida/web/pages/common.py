"""What every page needs: the layout context (user, navigation, CSRF token) and error pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from zhida.web.csrf import token_for
from zhida.web.deps import ANONYMOUS, Principal, allowed, optional_principal
from zhida.web.errors import WebError
from zhida.web.notify.badge import unread_for


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    href: str
    family: str
    action: str = "read"


# The main navigation; an entry shows only to roles the permission matrix lets in.
NAV = (
    NavItem("mine", "我的政策", "/my", "mine"),
    NavItem("dashboard", "工作台", "/dashboard", "dashboard"),
    NavItem("policies", "政策库", "/policies", "policies"),
    NavItem("calculator", "政策计算器", "/calculator", "calculator", "run"),
    NavItem("enterprises", "企业画像/政策体检", "/enterprises", "enterprises"),
    NavItem("push", "精准推送", "/push", "push"),
    NavItem("applications", "政策兑现", "/applications", "applications"),
    NavItem("exempt", "免申即享", "/payouts/exempt", "exempt"),
    NavItem("ledger", "资金台账", "/payouts/ledger", "exempt"),
    NavItem("my_payouts", "我的兑现", "/my/payouts", "payments", "confirm"),
    NavItem("simulations", "模拟测算", "/simulations", "simulations", "run"),
    NavItem("desk", "接诉即办", "/desk", "desk"),
    NavItem("packages", "服务包", "/desk/packages", "packages"),
    NavItem("figures", "三率统计", "/desk/figures", "desk", "figures"),
    NavItem("supervision", "督办", "/supervision", "tasks"),
    NavItem("monitoring", "运行监测", "/monitoring", "monitoring"),
    NavItem("registries", "企业库", "/registries", "registries"),
    NavItem("projects", "项目库", "/projects", "projects"),
    NavItem("map", "产业地图", "/projects/map", "map"),
    NavItem("finance", "融资对接", "/finance", "finance"),
    NavItem("coverage", "政策解析进度", "/coverage", "coverage"),
    NavItem("drafts", "措施审核", "/rules/drafts", "rule_drafts", "review"),
    NavItem("account", "账户", "/account", "accounts", "self"),
)


def nav_for(principal: Principal | None) -> list[NavItem]:
    """The sections this user (or a visitor not logged in: the public ones) may open."""
    role = principal.role if principal is not None else ANONYMOUS
    items = []
    for item in NAV:
        if not allowed(role, item.family, item.action) or (principal is not None and not principal.can(item.family, item.action)):
            continue
        if item.key == "enterprises" and principal.role == "enterprise":
            item = NavItem(item.key, "本企业画像/政策体检", f"/enterprises/{principal.uscc}", item.family)
        items.append(item)
    return items


ANONYMOUS_FORMS = frozenset({"login.html", "consultation/page.html"})  # 政策征集: the public comments too


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, active: str | None = None) -> HTMLResponse:
    principal = optional_principal(request)
    base = {
        "user": principal,
        "nav": nav_for(principal),
        "active": active,
        # a visitor not logged in gets a token (and its seed cookie) only with the login form
        "csrf_token": token_for(request) if principal is not None or template in ANONYMOUS_FORMS else "",
        "htmx": bool(request.headers.get("HX-Request")),
        "login_href": _login_href(request) if principal is None else None,
        "notify_unread": unread_for(request, principal),  # the 消息 badge (zhida.web.notify)
    }
    base.update(context or {})
    return request.app.state.templates.TemplateResponse(request, template, base, status_code=status_code)


def _login_href(request: Request) -> str | None:
    """登录, coming back to this page afterwards (none on the login page itself)."""
    from urllib.parse import quote

    path = request.url.path
    if path == "/login":
        return None
    target = path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


TITLES = {401: "请先登录", 403: "无权访问", 404: "未找到", 405: "不支持的请求", 422: "输入有误", 500: "服务器错误"}


def render_error(request: Request, error: WebError) -> HTMLResponse:
    return render(request, "error.html", {"error": error, "title": TITLES.get(error.status, "出错了")},
                  status_code=error.status)
