"""HTML pages (Chinese, server-rendered, htmx for partial updates)."""

from __future__ import annotations


def routers():
    from zhida.web.pages import account, auth, dashboard, enterprises, library, mine, push, sections, simulate

    return [auth.router, mine.router, dashboard.router, library.router, enterprises.router, push.router,
            simulate.router, sections.router,
            account.router]
