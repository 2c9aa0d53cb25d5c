"""Tables of 融资对接 (migration ``1300_projects``): products, needs, lenders' responses.

A response's state (接洽 → 授信 → 放款, or 不予支持) lives in its workflow case; the row mirrors
it for the figures by product and district."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401

MONEY = Numeric(20, 2)


class FinanceProduct(Base):
    __tablename__ = "finance_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    lender: Mapped[str] = mapped_column(String(255), index=True)  # a declared lender (finance/data/lenders.yaml)
    kind: Mapped[str] = mapped_column(String(32))  # credit | xinyidai | tou_dai | mid_long | guarantee
    amount_min: Mapped[Decimal | None] = mapped_column(MONEY)
    amount_max: Mapped[Decimal | None] = mapped_column(MONEY)
    term_min: Mapped[int | None] = mapped_column(Integer)  # months
    term_max: Mapped[int | None] = mapped_column(Integer)
    rate_min: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))  # 年利率 %
    rate_max: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    conditions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{id, label, expr}] rule language
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FinanceNeed(Base):
    __tablename__ = "finance_needs"
    __table_args__ = (Index("ix_finance_needs_region", "region_code", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    enterprise_name: Mapped[str] = mapped_column(String(255))
    region_code: Mapped[str | None] = mapped_column(String(6))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    term_months: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    # what the enterprise agreed to share, and with whom: lenders see nothing else
    share_lenders: Mapped[list[Any]] = mapped_column(JSON, default=list)  # lender names, or ["*"]
    share_profile: Mapped[bool] = mapped_column(Boolean, default=False)  # 企业画像 (figures, qualifications)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)


class FinanceResponse(Base):
    __tablename__ = "finance_responses"
    __table_args__ = (UniqueConstraint("need_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("finance_needs.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("finance_products.id"), index=True)
    lender: Mapped[str] = mapped_column(String(255), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_cases.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)  # 授信/放款 amount
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
