"""Drafted rules on the web (issue 17): pages under /rules/drafts (a document's text beside its
drafts; one draft to edit with the loader's verdict, its cases, the enterprises it changes, and
publishing) and REST under /api/v1/rule-drafts — thin over zhida.drafting."""

from __future__ import annotations


def routers():
    from zhida.web.drafts import api, pages

    return [api.router, pages.router]
