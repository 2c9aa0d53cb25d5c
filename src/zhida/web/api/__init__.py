"""REST API under /api/v1 (JSON, documented in /api/openapi.json and /api/docs)."""

from __future__ import annotations


def routers():
    from zhida.web.api import accounts, auth, dashboard, enterprises, jobs, mine, policies, push, simulations

    return [auth.router, mine.router, policies.router, enterprises.router, jobs.router, push.router, dashboard.router,
            simulations.router,
            accounts.router]
