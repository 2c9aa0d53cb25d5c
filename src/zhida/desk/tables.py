"""Tables of the service desk (migration ``1100_service_desk``).

A request's state lives in its workflow case (zhida.workflow); the request row keeps what the
figures count (the instants of each step, working days per step, on-time response, rating), so
the monthly figures are one GROUP BY over this table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401 - workflow_cases must be declared first


class DeskRequest(Base):
    __tablename__ = "desk_requests"
    __table_args__ = (
        Index("ix_desk_requests_unit_month", "unit", "month"),
        Index("ix_desk_requests_receiving", "receiving_unit", "month"),
        Index("ix_desk_requests_month", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # 12345 工单编号
    source: Mapped[str] = mapped_column(String(16))  # web, phone, visit, hotline
    line: Mapped[str] = mapped_column(String(16))  # enterprise (涉企专席) or general
    kind: Mapped[str] = mapped_column(String(16))  # consult, help, complaint, suggestion
    category: Mapped[str] = mapped_column(String(32))  # 派单目录 type
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    requester: Mapped[str] = mapped_column(String(255))
    contact: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    receiving_unit: Mapped[str] = mapped_column(String(255))  # 首接单位
    unit: Mapped[str] = mapped_column(String(255))  # the unit that owns it now (承办单位 after 派单)
    co_units: Mapped[list[Any]] = mapped_column(JSON, default=list)  # 会商单位
    case_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_cases.id"), unique=True)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("desk_requests.id"), index=True)
    suggestion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    answer: Mapped[str | None] = mapped_column(Text)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{document, clause_id, cite, quote}]
    rating: Mapped[str | None] = mapped_column(String(16))  # satisfied, basic, unsatisfied
    solved: Mapped[bool | None] = mapped_column(Boolean)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)  # steps that ran past their limit
    responded_in_time: Mapped[bool | None] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    days_accept: Mapped[int | None] = mapped_column(Integer)  # working days 受理
    days_dispatch: Mapped[int | None] = mapped_column(Integer)  # 派单
    days_sign: Mapped[int | None] = mapped_column(Integer)  # 签收
    days_handle: Mapped[int | None] = mapped_column(Integer)  # 办理 (to the answer)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of received_at (Beijing)
    need_id: Mapped[int | None] = mapped_column(Integer)
    visit_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)


class DeskConsult(Base):
    """A 会商单位 of a request and its opinion."""

    __tablename__ = "desk_consults"
    __table_args__ = (UniqueConstraint("request_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("desk_requests.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(255), index=True)
    opinion: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeskObjection(Base):
    """派单异议: a unit says a request is not theirs; a supervisor decides."""

    __tablename__ = "desk_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("desk_requests.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    suggested_unit: Mapped[str | None] = mapped_column(String(255))
    by: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(16))  # upheld (改派) or rejected (维持)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    new_unit: Mapped[str | None] = mapped_column(String(255))


class DeskCitation(Base):
    """A clause an answer cites (one row each), for the back-to-policy counts."""

    __tablename__ = "desk_citations"
    __table_args__ = (Index("ix_desk_citations_month", "month", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("desk_requests.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(64))
    clause_id: Mapped[str] = mapped_column(String(64))
    cite: Mapped[str] = mapped_column(Text)  # 《短标题》（文号）第三条（八）
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(255))
    month: Mapped[str] = mapped_column(String(7))


class ServicePackage(Base):
    __tablename__ = "desk_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(16))  # city or district
    region: Mapped[str | None] = mapped_column(String(6))  # district code (district level)
    unit: Mapped[str] = mapped_column(String(255))  # the unit running it
    members_from: Mapped[str | None] = mapped_column(String(64))  # the registry the members came from, if any
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PackageMember(Base):
    __tablename__ = "desk_package_members"
    __table_args__ = (UniqueConstraint("package_id", "uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("desk_packages.id", ondelete="CASCADE"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    officer_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 服务管家 (web_users.id)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Need(Base):
    """One line of an enterprise's 服务需求清单."""

    __tablename__ = "desk_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("desk_packages.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(255))  # owner unit
    status: Mapped[str] = mapped_column(String(16))  # open, working, solved, closed
    visit_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NeedEvent(Base):
    __tablename__ = "desk_need_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("desk_needs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class Visit(Base):
    """A 走访: planned (date, who) and then recorded (what was found)."""

    __tablename__ = "desk_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("desk_packages.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    planned_on: Mapped[date] = mapped_column(Date)
    visited_on: Mapped[date | None] = mapped_column(Date)
    officer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    participants: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{text, need_id, request_id}]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Plan(Base):
    """一企一策: goals and actions (each with units and a date) for one enterprise of a package."""

    __tablename__ = "desk_plans"
    __table_args__ = (UniqueConstraint("package_id", "uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("desk_packages.id", ondelete="CASCADE"))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    goals: Mapped[str] = mapped_column(Text)
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{action, units, due}]
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
