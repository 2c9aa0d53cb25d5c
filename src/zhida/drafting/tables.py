"""Tables of drafted and published rules (migration ``1610_rule_drafts``).

``rule_drafts``: one row per drafted measure of one document version — the YAML as drafted and as
edited, the open fields, the sentence's offsets for the side-by-side page, a review state.
``rule_versions``: every published version of a measure (its YAML block as it stands in the
measure file, byte for byte), with the reviewer and the time; the newest is the rule.
``rule_files``: what a measure file holds besides its measures (its head and tail, verbatim), so
export writes back exactly what import read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhida.store.schema import Base

DRAFT_STATES = ("drafted", "edited", "published", "dismissed")


class RuleDraft(Base):
    __tablename__ = "rule_drafts"
    __table_args__ = (UniqueConstraint("document", "document_version", "measure_id", name="uq_rule_drafts_measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(255), index=True)  # documents.key
    document_version: Mapped[int] = mapped_column(Integer)
    measure_id: Mapped[str] = mapped_column(String(255), index=True)
    position: Mapped[int] = mapped_column(Integer)  # document order
    clause_id: Mapped[str] = mapped_column(String(255))
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)  # the sentence in the version's original text
    end: Mapped[int | None] = mapped_column(Integer)
    drafted_yaml: Mapped[str] = mapped_column(Text)  # as zhida drafted it
    yaml: Mapped[str] = mapped_column(Text)  # as it stands (edited or not)
    cases_yaml: Mapped[str] = mapped_column(Text, default="")  # the reviewer's cases for this measure
    open_fields: Mapped[list] = mapped_column(JSON)  # [{field, reason}]
    status: Mapped[str] = mapped_column(String(16))  # DRAFT_STATES
    revision: Mapped[int] = mapped_column(Integer)  # optimistic: each edit +1
    updated_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuleVersion(Base):
    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("measure_id", "version", name="uq_rule_versions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(String(255), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within the document's measure file
    item: Mapped[str] = mapped_column(Text)  # the YAML block as it stands in the file ("  - id: …")
    cases_yaml: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16))  # import | draft | edit
    draft_id: Mapped[int | None] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuleFile(Base):
    __tablename__ = "rule_files"

    document: Mapped[str] = mapped_column(String(255), primary_key=True)
    head: Mapped[str] = mapped_column(Text)  # up to the first measure (comments, document, defaults, "measures:")
    tail: Mapped[str] = mapped_column(Text)  # after the last measure (not_encoded, review_notes …)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
