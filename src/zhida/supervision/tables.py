"""Tables of supervision (督办) (migration ``1400_supervision``).

A task's state (待确认 / 推进中 / 已完成 / 已撤销) and a report's (待报送 / 已报送) live in their
workflow cases (zhida.workflow, ``data/*.workflow.yaml``); the rows keep what the views count:
the task's units (one row per unit and role, so "everything a unit owes" is one indexed query),
the latest reported progress, each report's status, figures and evidence files.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401 - workflow_cases must be declared first


class SvTask(Base):
    __tablename__ = "sv_tasks"
    __table_args__ = (UniqueConstraint("document", "clause_id", "idx", name="uq_sv_tasks_clause"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(255), index=True)  # documents.key
    document_title: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(255))
    clause_id: Mapped[str] = mapped_column(String(255))
    idx: Mapped[int] = mapped_column(Integer)  # the n-th task drafted from the clause
    section: Mapped[str] = mapped_column(String(255))
    section_title: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)  # offsets into the document version's original text
    end: Mapped[int] = mapped_column(Integer)
    lead_inferred: Mapped[bool] = mapped_column(Boolean)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_basis: Mapped[str] = mapped_column(String(16))  # text, validity, none, reviewer
    deadline_text: Mapped[str | None] = mapped_column(String(255))
    targets: Mapped[list[Any]] = mapped_column(JSON)  # [{text, value, unit, comparator, kind, start, end}]
    cycle: Mapped[str] = mapped_column(String(16))  # month, quarter
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)  # the draft as zhida made it, before review
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_cases.id"), index=True)
    progress: Mapped[str | None] = mapped_column(String(16))  # the latest report's status
    figures: Mapped[list[Any] | None] = mapped_column(JSON)  # the latest reported figures
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SvTaskUnit(Base):
    __tablename__ = "sv_task_units"
    __table_args__ = (UniqueConstraint("task_id", "unit", name="uq_sv_task_units"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(255), index=True)
    role: Mapped[str] = mapped_column(String(16))  # lead, support
    position: Mapped[int] = mapped_column(Integer)
    # fanned out of a collective phrase (各区政府 → 东城区政府): the phrase as written and where it
    # stands in the document's original text (-1 when the quote is not char-for-char the original)
    derived_from: Mapped[str | None] = mapped_column(String(64))
    derived_start: Mapped[int | None] = mapped_column(Integer)
    derived_end: Mapped[int | None] = mapped_column(Integer)


class SvReport(Base):
    __tablename__ = "sv_reports"
    __table_args__ = (UniqueConstraint("task_id", "unit", "cycle", name="uq_sv_reports_cycle"),
                      Index("ix_sv_reports_unit_cycle", "unit", "cycle"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(255))
    cycle: Mapped[str] = mapped_column(String(16))  # 2026-11 (month) or 2026-Q4 (quarter)
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_cases.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(String(16))  # completed, on_track, behind, not_started
    narrative: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[list[Any] | None] = mapped_column(JSON)  # [{target: index, value: "…"}]
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str | None] = mapped_column(String(128))
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SvEvidence(Base):
    __tablename__ = "sv_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("sv_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(512))  # relative to ZHIDA_HOME
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
