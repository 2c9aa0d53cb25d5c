"""Tables of the registries (migrations ``1200_registries``, ``1210_registry_figures``, ``1211_registry_tier_index``).

Membership is history: one row per stay on a list at one tier (``valid_from`` .. ``valid_to``,
NULL = still on it); moving up the ladder ends one row and starts the next, so "who was on the list
on date D" is one range query. A proposal (application, recommendation, batch candidate, import)
is reviewed through its workflow case (zhida.workflow); flags are members who no longer meet the
criteria at a batch run, with the reasons.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401 - workflow_cases must be declared first

WAYS = {"application": "企业申请", "recommendation": "区级推荐", "candidate": "批量筛选候选", "import": "名单导入"}


class Membership(Base):
    __tablename__ = "registry_memberships"
    __table_args__ = (
        Index("ix_registry_memberships_on", "registry", "valid_from", "valid_to"),
        Index("ix_registry_memberships_uscc", "registry", "uscc"),
        Index("ix_registry_memberships_tier", "registry", "tier", "uscc", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(6))
    industry_code: Mapped[str | None] = mapped_column(String(5))
    tier: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # last day on the list
    way: Mapped[str] = mapped_column(String(16))  # WAYS
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    ended_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Proposal(Base):
    """One way in, waiting for (or past) the keeping unit's review; the state is the workflow case's."""

    __tablename__ = "registry_proposals"
    __table_args__ = (Index("ix_registry_proposals_open", "registry", "open"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    tier: Mapped[str] = mapped_column(String(64))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(6))
    industry_code: Mapped[str | None] = mapped_column(String(5))
    way: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    criteria_version: Mapped[str | None] = mapped_column(String(32))
    pending: Mapped[list[str] | None] = mapped_column(JSON)  # open criteria the unit decides (labels)
    evaluated_on: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    open: Mapped[bool] = mapped_column(Boolean, default=True)  # mirrors "case not closed", for the listing's index
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Flag(Base):
    """A member who no longer meets the criteria at a batch run (动态管理)."""

    __tablename__ = "registry_flags"
    __table_args__ = (Index("ix_registry_flags_open", "registry", "resolved"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    uscc: Mapped[str] = mapped_column(String(18))
    membership_id: Mapped[int] = mapped_column(Integer, index=True)
    tier: Mapped[str] = mapped_column(String(64))
    evaluated_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # ineligible | undetermined
    reasons: Mapped[list[str]] = mapped_column(JSON)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Target(Base):
    """A district's target for a registry tier in a year (梯度培育 目标)."""

    __tablename__ = "registry_targets"
    __table_args__ = (UniqueConstraint("registry", "region_code", "tier", "year", name="uq_registry_targets"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    region_code: Mapped[str] = mapped_column(String(6))
    tier: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)


class ListImport(Base):
    """One import of a list from another system (e.g. the national 小巨人 list as XLSX)."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    source_name: Mapped[str] = mapped_column(String(1024))
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    rejects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Generation(Base):
    """A counter per registry, raised by every change of its memberships or targets in the
    change's transaction: cached figures computed at an older generation are stale."""

    __tablename__ = "registry_generations"

    registry_name: Mapped[str] = mapped_column("registry", String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)


class CachedFigures(Base):
    """梯度培育 figures of a registry on a day, as computed at ``computed_at`` from ``generation``."""

    __tablename__ = "registry_figures"
    __table_args__ = (UniqueConstraint("registry", "day", "months", name="uq_registry_figures"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_name: Mapped[str] = mapped_column("registry", String(64))
    day: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
