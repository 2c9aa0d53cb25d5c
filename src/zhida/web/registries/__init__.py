"""Registries on the web: REST under /api/v1/registries (``api``) and pages under /registries
(``pages``), thin over zhida.registries; who may keep, recommend or apply is decided in ``common``."""

from __future__ import annotations


def routers():
    from zhida.web.registries import api, pages

    return [api.router, pages.router]
