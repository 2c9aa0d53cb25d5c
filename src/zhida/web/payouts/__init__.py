"""政策兑现 on the web, thin over ``zhida.payouts``: applications (``applications_api``,
``applications_pages``) and the ledger's payments API and pages (``payments_api``, ``payments_scope``,
``exempt_pages``: the staff 免申即享 review page and the enterprise's 我的兑现; ``ledger_pages``: budgets,
queue and records flagged for review)."""

from __future__ import annotations


def routers():
    from zhida.web.payouts import applications_api, applications_pages, exempt_pages, ledger_pages, payments_api

    return [applications_api.router, applications_pages.router, payments_api.router, exempt_pages.router,
            ledger_pages.router]
