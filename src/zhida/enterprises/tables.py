"""Store tables for enterprises and their imports (created by migration 0100_enterprises).

The profile itself is kept whole as JSON (the 一户一档); a few columns are lifted out for
lookups and grouping. ``size_class`` is derived at import (see size_class.py), never input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base


class EnterpriseImport(Base):
    """One import of one file; ``batches_committed`` is the resume checkpoint."""

    __tablename__ = "enterprise_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(1024))
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    batch_size: Mapped[int] = mapped_column(Integer)
    batches_committed: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # running | completed | interrupted
    job_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the web job running it
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Enterprise(Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    special_zone: Mapped[str | None] = mapped_column(String(16))
    industry_code: Mapped[str] = mapped_column(String(5), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    size_class: Mapped[str | None] = mapped_column(String(8))  # of size_class_year's figures
    size_class_year: Mapped[int | None] = mapped_column(Integer)
    schema_version: Mapped[str] = mapped_column(String(8))
    profile_json: Mapped[dict[str, Any]] = mapped_column()
    import_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_imports.id"), index=True)
    source_row: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportReject(Base):
    """One reason one input row was not stored; a row may have several."""

    __tablename__ = "enterprise_import_rejects"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("enterprise_imports.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(128))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
