"""The project library, 首谈制 and the industrial map on the web: REST under /api/v1/projects
(``api``) and pages under /projects (``pages``), thin over zhida.projects."""

from __future__ import annotations


def routers():
    from zhida.web.projects import api, pages

    return [api.router, pages.router]
