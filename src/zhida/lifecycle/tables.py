"""The links each stored document version states (migration ``1600_document_links``).

One row per link, written in the ingest's transaction, so "which documents repeal or extend this
one" is an indexed lookup by the target's 文号 or title key instead of a scan of every clause.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base


class DocumentLink(Base):
    __tablename__ = "document_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # repeals extends continues amends implements cites
    target_number: Mapped[str | None] = mapped_column(String(255))  # 文号 as written
    target_title: Mapped[str | None] = mapped_column(Text)
    number_key: Mapped[str | None] = mapped_column(String(255), index=True)  # validity.number_key
    title_key: Mapped[str | None] = mapped_column(String(512), index=True)  # validity.title_key
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)  # offsets into the version's original text
    end: Mapped[int] = mapped_column(Integer)
    clause_id: Mapped[str | None] = mapped_column(String(255))
    on: Mapped[date | None] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(32))
