"""政策征集 on the web: /consultations pages (open one, comment clause by clause, answer, publish the
意见征集情况说明) and /api/v1/consultations — thin over zhida.consultation."""

from __future__ import annotations


def routers():
    from zhida.web.consultation import views

    return [views.api, views.pages]
