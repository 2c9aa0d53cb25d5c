"""融资对接 on the web: REST under /api/v1/finance (``api``), pages under /finance (``pages``),
thin over zhida.finance."""

from __future__ import annotations


def routers():
    from zhida.web.finance import api, pages

    return [api.router, pages.router]
