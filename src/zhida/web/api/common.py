"""Shared pieces of the API routers: pagination parameters and page metadata."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query

from zhida.web.api.schemas import PageMeta
from zhida.web.library import Page


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def pagination(
    page: int = Query(1, ge=1, le=10000, description="页码，从1开始"),
    per_page: int = Query(20, ge=1, le=100, description="每页条数（1-100）"),
) -> Pagination:
    return Pagination(page, per_page)


def meta(result: Page) -> PageMeta:
    return PageMeta(page=result.page, per_page=result.per_page, total=result.total, pages=result.pages)
