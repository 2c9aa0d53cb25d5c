"""Applications and their attachments (migrations ``1010_applications``, ``1011_application_snapshots``,
``1012_application_queue``).

An application's state is its ``zhida.workflow`` case (``case_id``); this row keeps what the
decision stands on: the enterprise, the measure, the routed unit, the rule's amount and the amount
approved, the materials asked for and the declaration. The facts frozen at the start (the whole
profile, restored exactly, and the facts the rule read, as shown) are kept apart in
``payout_application_snapshots``: a few kB a row that every queue, count and report would
otherwise read past (a year of 100,000 applications: ~300 MB of rows instead of ~30 MB).

The row also mirrors its case's ``state`` and the deadline of its open step (``open_due_at``, empty
once the case is closed), written by the hook ``service`` registers with the workflow engine
(``zhida.workflow.mirror_subjects``), so every start and transition updates it in the same
transaction, whatever path fired it:
a queue, a count or the per-measure figures then read one table through covering indexes instead
of joining every workflow case (at 100,000 applications on SQLite: ~0.6 s → ~40 ms a view).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhida.store.schema import Base

MONEY = Numeric(20, 2)


def QUEUE_COLUMNS(unit: str) -> tuple[str, ...]:  # noqa: N802 - an index's column list
    return (unit, "measure_id", "state", "open_due_at", "approved_amount", "district", "region_code")


class Application(Base):
    __tablename__ = "payout_applications"
    __table_args__ = (
        Index("ix_payout_applications_measure", "measure_id", "created_at"),
        # the queue and the figures (covering: what a unit's view filters, groups and sums)
        Index("ix_payout_applications_figures", "measure_id", "state", "open_due_at", "approved_amount"),
        Index("ix_payout_applications_unit_queue", *QUEUE_COLUMNS("unit")),
        Index("ix_payout_applications_payer_queue", *QUEUE_COLUMNS("payer_unit")),
        Index("ix_payout_applications_overdue", "open_due_at"),
        Index("ix_payout_applications_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer, unique=True)  # workflow_cases.id (set right after insert)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    enterprise_name: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(6))  # the enterprise's district
    measure_id: Mapped[str] = mapped_column(String(128))
    measure_title: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(8))  # 市级 | 区级
    unit: Mapped[str] = mapped_column(String(255))  # the responsible unit it is routed to
    district: Mapped[str | None] = mapped_column(String(6))  # 区级: the district whose unit handles it
    payer_unit: Mapped[str] = mapped_column(String(255))
    as_of: Mapped[date] = mapped_column(Date)  # the date the rule was evaluated for
    period: Mapped[str] = mapped_column(String(16))  # the year the benefit is for
    rule_amount: Mapped[Decimal | None] = mapped_column(MONEY)  # the rule's amount on the frozen facts
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    reduction_reason: Mapped[str | None] = mapped_column(Text)
    materials: Mapped[list[Any]] = mapped_column(JSON)  # [{name, basis: text|unit|default, quote}]
    declared: Mapped[bool] = mapped_column(Boolean, default=False)
    declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    record_id: Mapped[int | None] = mapped_column(Integer)  # payout_records.id once approved (ledger)
    payment_reference: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str | None] = mapped_column(String(32))  # its workflow case's state (mirrored)
    open_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # open step's deadline (mirrored)
    snapshot: Mapped[ApplicationSnapshot] = relationship(lazy="select", cascade="all, delete-orphan")

    @property
    def facts(self) -> dict[str, Any]:
        return self.snapshot.facts

    @property
    def used_facts(self) -> list[Any]:
        return self.snapshot.used_facts


class ApplicationSnapshot(Base):
    """The facts an application was decided on, frozen when it started."""

    __tablename__ = "payout_application_snapshots"

    application_id: Mapped[int] = mapped_column(ForeignKey("payout_applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"profile": …}: frozen, restored exactly
    used_facts: Mapped[list[Any]] = mapped_column(JSON)  # [{fact, label, value, shown}] the rule read


class ApplicationFile(Base):
    __tablename__ = "payout_application_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("payout_applications.id", ondelete="CASCADE"), index=True)
    material: Mapped[str] = mapped_column(String(255))  # the 材料清单 item it answers
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # pdf | png | jpeg | docx | xlsx | doc | xls … (by content)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))  # where the store keeps the bytes
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaterialList(Base):
    """A unit's 材料清单 for a measure whose text says nothing about materials."""

    __tablename__ = "payout_material_lists"

    measure_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    items: Mapped[list[Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
