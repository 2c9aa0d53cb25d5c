"""Tables of the project library, 首谈制 and the industrial map (migration ``1300_projects``).

A project's stage (谋划→…→投产) and its 首谈 life are two workflow cases (zhida.workflow); the
project row mirrors what lists and figures read (stage, 首谈区, credited district, deadline),
so a page of 100,000 projects is one indexed query.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401 - workflow_cases must be declared first

MONEY = Numeric(20, 2)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        Index("ix_projects_region_stage", "region_code", "stage"),
        Index("ix_projects_credited", "credited_region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 项目编号: the import's idempotency key
    name: Mapped[str] = mapped_column(String(255))
    owner_uscc: Mapped[str | None] = mapped_column(String(18), index=True)  # a registered owner enterprise
    investor: Mapped[str | None] = mapped_column(String(255))  # or a prospective investor not yet registered
    industry_code: Mapped[str | None] = mapped_column(String(5))
    region_code: Mapped[str] = mapped_column(String(6))  # the district that hosts / negotiates it now
    total_investment: Mapped[Decimal | None] = mapped_column(MONEY)  # 元
    new_paid_in_capital: Mapped[Decimal | None] = mapped_column(MONEY)  # 在京新增实缴资本, 元
    foreign_investment_usd: Mapped[Decimal | None] = mapped_column(MONEY)  # 实际利用外资, 美元
    annual_output: Mapped[Decimal | None] = mapped_column(MONEY)  # 达产年产值, 元 (parcel standards)
    annual_tax: Mapped[Decimal | None] = mapped_column(MONEY)  # 达产年税收, 元
    land_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 用地需求, 亩
    strategic: Mapped[bool | None] = mapped_column(Boolean)  # 具有全局性、战略性
    stage: Mapped[str] = mapped_column(String(16))  # mirrored from the stage case
    stage_dates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # stage → YYYY-MM-DD
    stage_case_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_cases.id"))
    officer_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 项目管家 (a staff account)
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{title, ref}]
    # 首谈制
    shoutan_case_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_cases.id"))
    shoutan_state: Mapped[str | None] = mapped_column(String(16), index=True)
    found_by: Mapped[str | None] = mapped_column(String(6))  # district that found the lead ("110000": the city)
    shoutan_region: Mapped[str | None] = mapped_column(String(6))  # the recognised 首谈区
    shoutan_recognised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shoutan_due: Mapped[date | None] = mapped_column(Date)  # 3 calendar months after negotiation began
    shoutan_flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    credited_region: Mapped[str | None] = mapped_column(String(6))  # "视同该区项目谋划引进成果"
    landed_at: Mapped[date | None] = mapped_column(Date)
    # the third-party agency that served the introduction (001 第十五条)
    agency_name: Mapped[str | None] = mapped_column(String(255))
    agency_uscc: Mapped[str | None] = mapped_column(String(18))
    agency_entity_type: Mapped[str | None] = mapped_column(String(32))
    agency_full_service: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Parcel(Base):
    """An industrial land parcel or a building (厂房楼宇) on the industrial map, with its admission
    standards (conditions in the rule language over the project facts of projects/facts.yaml)."""

    __tablename__ = "map_parcels"
    __table_args__ = (Index("ix_map_parcels_region", "region_code", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # land | building
    region_code: Mapped[str] = mapped_column(String(6))
    lon: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    area_mu: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(16))  # available | reserved | occupied
    industries: Mapped[list[Any]] = mapped_column(JSON, default=list)  # GB/T 4754 prefixes it is planned for
    standards: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{id, label, expr}]
    unit: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MapDistrict(Base):
    """A district's leading industries on the industrial map (产业布局)."""

    __tablename__ = "map_districts"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    industries: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{code, label}]
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
