"""Tables of monitoring (migration ``1500_monitoring``).

``mon_indicators``: one row per enterprise and month (NULL = not reported, never 0), with the park
(园区) it reported under (``1640_monitoring_parks``);
``mon_resumptions``: 开复工 status of an enterprise on a given day; ``mon_imports``: each statistics
file imported (its digest, counts); ``mon_alerts``: one row per rule, enterprise and month (a re-run
finds it again and changes nothing), with the desk request it became and the closing note;
``mon_evaluations``: the 亩均 grade of an enterprise for a year (a fact with its year)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base


class MonIndicator(Base):
    __tablename__ = "mon_indicators"
    __table_args__ = (UniqueConstraint("uscc", "month", name="uq_mon_indicators_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))
    park: Mapped[str | None] = mapped_column(String(64), index=True)  # 所在园区, trimmed name
    output_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))  # 万元
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))  # 万元
    electricity: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))  # 万千瓦时
    employees: Mapped[int | None] = mapped_column(Integer)
    orders: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))  # 万元
    import_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MonResumption(Base):
    __tablename__ = "mon_resumptions"
    __table_args__ = (UniqueConstraint("uscc", "day", name="uq_mon_resumptions_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    resumed: Mapped[bool] = mapped_column(Boolean)
    import_id: Mapped[int | None] = mapped_column(Integer)


class MonImport(Base):
    __tablename__ = "mon_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(1024))
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # indicators | resumption
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_changed: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MonAlert(Base):
    __tablename__ = "mon_alerts"
    __table_args__ = (UniqueConstraint("rule_id", "uscc", "month", name="uq_mon_alerts_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    unit: Mapped[str] = mapped_column(String(255), index=True)
    label: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)  # the scalar explainer's checks, in Chinese
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    request_id: Mapped[int | None] = mapped_column(Integer)  # desk_requests.id
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(128))


class MonEvaluation(Base):
    __tablename__ = "mon_evaluations"
    __table_args__ = (UniqueConstraint("uscc", "year", name="uq_mon_evaluations_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    industry_code: Mapped[str] = mapped_column(String(8))
    indicators: Mapped[dict[str, Any]] = mapped_column(JSON)  # name → decimal text (None = missing)
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    grade: Mapped[str | None] = mapped_column(String(1))  # A/B/C/D; None = undetermined
    method: Mapped[str] = mapped_column(String(64))  # method name + version
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MonPrice(Base):
    """A raw-material price (煤炭、铁矿石、钢铁、化肥 …) of a month, imported from a price file."""
    __tablename__ = "mon_prices"
    __table_args__ = (UniqueConstraint("commodity", "month", name="uq_mon_prices_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commodity: Mapped[str] = mapped_column(String(32), index=True)  # code of prices.COMMODITIES
    month: Mapped[str] = mapped_column(String(7), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(20, 2))  # 元 per the commodity's unit
    import_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MonKeyEnterprise(Base):
    """A hand-kept change to the key-enterprise list: ``add`` an enterprise the registries do not
    name, or ``remove`` one they do (the latest entry per enterprise counts)."""
    __tablename__ = "mon_key_enterprises"
    __table_args__ = (UniqueConstraint("uscc", name="uq_mon_key_enterprises_uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    action: Mapped[str] = mapped_column(String(8))  # add | remove
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MonAnalysis(Base):
    """The monthly 工业经济运行分析 of a month and scope (city = ''; else a district code): the
    generated tables frozen at generation, the staff's narrative paragraphs, its workflow case
    (draft → released, zhida.workflow)."""
    __tablename__ = "mon_analyses"
    __table_args__ = (UniqueConstraint("month", "scope", name="uq_mon_analyses_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    scope: Mapped[str] = mapped_column(String(12))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    paragraphs: Mapped[dict[str, Any]] = mapped_column(JSON)  # section key → text
    case_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # mirror of the case's state, for lists
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(128))


class MonRollup(Base):
    """The indicators of a month grouped by district × 行业大类 (monitoring.figures): the count
    reporting and, per series, the sum and the 同口径 sums of this year and last, in integer cents
    (persons for 用工人数). Refreshed in the import's transaction for the months it touches and the
    months a year later (whose 同比 they are the base of), so pages read a few hundred rows."""
    __tablename__ = "mon_rollups"
    __table_args__ = (Index("ix_mon_rollups_month_region", "month", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    region_code: Mapped[str | None] = mapped_column(String(12))
    industry: Mapped[str | None] = mapped_column(String(8))
    reporting: Mapped[int] = mapped_column(Integer)
    output_value__sum: Mapped[int | None] = mapped_column(BigInteger)
    output_value__cur: Mapped[int | None] = mapped_column(BigInteger)
    output_value__prev: Mapped[int | None] = mapped_column(BigInteger)
    revenue__sum: Mapped[int | None] = mapped_column(BigInteger)
    revenue__cur: Mapped[int | None] = mapped_column(BigInteger)
    revenue__prev: Mapped[int | None] = mapped_column(BigInteger)
    electricity__sum: Mapped[int | None] = mapped_column(BigInteger)
    electricity__cur: Mapped[int | None] = mapped_column(BigInteger)
    electricity__prev: Mapped[int | None] = mapped_column(BigInteger)
    employees__sum: Mapped[int | None] = mapped_column(BigInteger)
    employees__cur: Mapped[int | None] = mapped_column(BigInteger)
    employees__prev: Mapped[int | None] = mapped_column(BigInteger)
