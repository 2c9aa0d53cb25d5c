"""运行监测 on the web: REST under /api/v1/indicators, /api/v1/alerts, /api/v1/evaluations,
/api/v1/analyses, /api/v1/indicators/resumption (``api``), pages under /monitoring (``pages``), the monthly analysis as XLSX and
A4 PDF (``reports``, figures drawn by ``charts``) — thin over zhida.monitoring (row scope in
zhida.monitoring.views, who may edit in zhida.monitoring.analysis)."""

from __future__ import annotations


def routers():
    from zhida.web.monitoring import api, pages

    return [api.router, pages.router]
