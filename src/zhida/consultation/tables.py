"""Tables of 政策征集 (migration ``1620_consultations``). The state (征集中 / 待公布 / 已公布) lives in
the workflow case; the rows keep the period, the publication deadline and every comment with its answer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base
from zhida.workflow import tables as _workflow  # noqa: F401 - workflow_cases must be declared first


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(255), index=True)  # documents.key
    version: Mapped[int] = mapped_column(Integer)  # the draft version comments cite
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(255))  # the drafting unit: answers and publishes
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)  # last day comments are taken
    publish_due: Mapped[date] = mapped_column(Date)  # closes_on + the rules' days
    case_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_cases.id"))  # set once the row has its id
    summary: Mapped[str | None] = mapped_column(Text)  # 主要观点 / 总体说明, written by the unit
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsultationComment(Base):
    __tablename__ = "consultation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[str] = mapped_column(String(255))
    author_kind: Mapped[str] = mapped_column(String(16))  # enterprise | public | official
    author_name: Mapped[str] = mapped_column(String(255))
    uscc: Mapped[str | None] = mapped_column(String(18))
    user_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(16))  # adopted | partly | not_adopted | noted
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(255))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
