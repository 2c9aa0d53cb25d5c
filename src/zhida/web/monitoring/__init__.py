"""运行监测 on the web: REST under /api/v1/indicators, /api/v1/alerts, /api/v1/evaluations (``api``)
— thin over zhida.monitoring (row scope in zhida.monitoring.views)."""

from __future__ import annotations


def routers():
    from zhida.web.monitoring import api

    return [api.router]
