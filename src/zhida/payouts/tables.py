"""The ledger's tables (migration ``1000_payout_ledger``).

``payout_records``: one row per benefit granted to one enterprise for one period — reserved at
approval, then paid, flagged for review or clawed back; it carries everything needed to trace the
money (measure, benefit, period, amount, the rule's amount and version, the facts, the approvers,
the source). ``payout_enterprise_locks`` and ``payout_budgets`` are the rows locked (``SELECT … FOR
UPDATE`` on PostgreSQL) so that two approvals at the same instant are checked one after the other.
``payout_exempt_lists`` / ``payout_exempt_items``: 免申即享 lists and their enterprises.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base

MONEY = Numeric(20, 2)
# statuses that hold money (count against caps, budgets and the no-double-payment rule)
ACTIVE = ("queued", "approved", "paid", "flagged")
STATUSES = (*ACTIVE, "clawed_back", "cancelled")
_ACTIVE_SQL = "status IN ('queued', 'approved', 'paid', 'flagged')"


class PayoutRecord(Base):
    __tablename__ = "payout_records"
    __table_args__ = (
        # one benefit, one enterprise, one period (and item): at most one live record (the guard checks first and
        # says why in Chinese; the index is the last line if two writers ever slipped past it)
        Index("uq_payout_records_benefit_period", "uscc", "benefit_id", "period", "item", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        Index("ix_payout_records_measure_year", "measure_id", "year", "payer"),
        Index("ix_payout_records_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    enterprise_name: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    measure_id: Mapped[str] = mapped_column(String(128))
    benefit_id: Mapped[str] = mapped_column(String(128))
    period: Mapped[str] = mapped_column(String(16))  # "2023" (a year) or "once" (一次性, e.g. 每家總額)
    # what the benefit is for when a measure pays per thing (a registered product, a project): "" = the
    # enterprise itself. Double payment = same benefit, period and item; caps sum over items.
    item: Mapped[str] = mapped_column(String(64), default="")
    year: Mapped[int] = mapped_column(Integer)  # budget year (the payment's year)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    rule_amount: Mapped[Decimal | None] = mapped_column(MONEY)  # what the rule allows on the frozen facts
    reduction_reason: Mapped[str | None] = mapped_column(Text)  # why less than the rule's amount
    payer: Mapped[str | None] = mapped_column(String(16))  # 市级 / 区级 (budget it draws on)
    rule_version: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)  # the date the rule was evaluated for
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # the frozen facts ({"profile": …} or {"facts": …})
    approvers: Mapped[list[Any]] = mapped_column(JSON)  # [{user, user_id, at, role}]
    source_type: Mapped[str] = mapped_column(String(16))  # application | exempt | manual
    source_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    expected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when the money should arrive
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnterpriseLock(Base):
    """One row per enterprise with payouts: locked while its caps and double payments are checked."""

    __tablename__ = "payout_enterprise_locks"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)


class Budget(Base):
    """A 资金池: money a payer (市级/区级) sets aside for one measure in one year."""

    __tablename__ = "payout_budgets"
    __table_args__ = (UniqueConstraint("measure_id", "year", "payer", name="uq_payout_budgets_measure_year_payer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    payer: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    used: Mapped[Decimal] = mapped_column(MONEY)  # approved + paid + flagged (not queued, not clawed back)
    on_exceed: Mapped[str] = mapped_column(String(8))  # refuse | queue
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExemptList(Base):
    """One 免申即享 list: a measure's eligible enterprises for a year, as the batch found them."""

    __tablename__ = "payout_exempt_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(128), index=True)
    year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    rule_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # built | confirmed
    items: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(MONEY)
    built_by: Mapped[str] = mapped_column(String(128))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(128))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExemptItem(Base):
    """One enterprise of a 免申即享 list; its steps are a ``zhida.workflow`` case (``case_id``)."""

    __tablename__ = "payout_exempt_items"
    __table_args__ = (UniqueConstraint("list_id", "uscc", name="uq_payout_exempt_items_list_uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("payout_exempt_lists.id", ondelete="CASCADE"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(6))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # the facts the rule read, as the batch saw them
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    exclusion_reason: Mapped[str | None] = mapped_column(Text)
    account: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # 收款账户 the enterprise confirmed
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)  # workflow_cases.id
    record_id: Mapped[int | None] = mapped_column(Integer)  # payout_records.id once confirmed
