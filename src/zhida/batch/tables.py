"""Store tables for batch runs (created by migration 0300_batch_runs).

A run row is inserted as ``running`` before any work, and set to ``complete`` only after the
run directory (Parquet results, manifest, push lists) has been renamed into place; a crash
leaves ``running`` (or ``failed``), never a complete-looking run. Readers use complete runs only.
Per-pair results live in the run's Parquet file; the store keeps per-measure totals and, by
default, the eligible pairs (the push-list material), so the web app can show them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base

RUNNING, COMPLETE, FAILED, INTERRUPTED = "running", "complete", "failed", "interrupted"


class BatchRun(Base):
    __tablename__ = "batch_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_key: Mapped[str] = mapped_column(String(64), unique=True)  # also the run directory's name
    status: Mapped[str] = mapped_column(String(16), index=True)  # running | complete | failed | interrupted
    job_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the web job running it
    as_of: Mapped[date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(16))
    input: Mapped[str] = mapped_column(Text)  # Parquet path, or "store"
    out_dir: Mapped[str] = mapped_column(Text)  # the run directory (exists once complete)
    enterprises: Mapped[int | None] = mapped_column(BigInteger)
    measures: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BatchMeasureTotal(Base):
    """Per run and measure: how many enterprises in each status, and the summed amount."""

    __tablename__ = "batch_measure_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("batch_runs.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[str] = mapped_column(String(128))
    benefit: Mapped[str] = mapped_column(String(128))
    eligible: Mapped[int] = mapped_column(BigInteger)
    ineligible: Mapped[int] = mapped_column(BigInteger)
    undetermined: Mapped[int] = mapped_column(BigInteger)
    not_applicable: Mapped[int] = mapped_column(BigInteger)
    amount_total: Mapped[Decimal | None] = mapped_column(Numeric(24, 2))  # eligible rows with a known amount
    amount_known: Mapped[int] = mapped_column(BigInteger)  # how many eligible rows have an amount


class BatchResult(Base):
    """One eligible (enterprise, measure) pair of a run."""

    __tablename__ = "batch_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("batch_runs.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[str] = mapped_column(String(128), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    failing: Mapped[str | None] = mapped_column(Text)  # condition ids, comma-separated
