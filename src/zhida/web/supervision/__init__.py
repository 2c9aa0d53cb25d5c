"""Supervision (督办) on the web: REST under /api/v1/tasks (``api``), pages under /supervision
(``pages``: the matrix, a task with its reports, a document's sections, units and districts),
the monthly 督办 report as XLSX and A4 PDF (``reports``) — thin over zhida.supervision."""

from __future__ import annotations


def routers():
    from zhida.web.supervision import api, pages

    return [api.router, pages.router]
