"""HTML pages (Chinese, server-rendered, htmx for partial updates)."""

from __future__ import annotations


def routers():
    from zhida.web.pages import account, auth, library, sections

    return [auth.router, library.router, sections.router, account.router]
