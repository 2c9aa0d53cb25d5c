"""政策兑现 on the web: applications (``applications_api``, ``applications_pages``) and the ledger's
payments and 免申即享 pages, thin over ``zhida.payouts``."""

from __future__ import annotations


def routers():
    from zhida.web.payouts import applications_api, applications_pages

    return [applications_api.router, applications_pages.router]
