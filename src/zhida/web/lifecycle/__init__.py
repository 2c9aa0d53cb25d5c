"""A policy's life on the web: links between documents (on the document page and
/api/v1/documents/{doc}/links), the clause diff between versions with the measures to re-review
(/policies/{doc}/diff), and what ends within 30/90 days by unit (/policies/expiring) — thin over
zhida.lifecycle."""

from __future__ import annotations


def routers():
    from zhida.web.lifecycle import views

    return [views.api, views.pages]
