"""Supervision (督办): tasks drafted from documents, their units, progress reports and evidence (zhida.supervision.tables).

Revision ID: 1400_supervision
Revises: 1010_applications
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1400_supervision"
down_revision = "1010_applications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=255), nullable=False),
        sa.Column("document_title", sa.Text(), nullable=True),
        sa.Column("doc_number", sa.String(length=255), nullable=True),
        sa.Column("clause_id", sa.String(length=255), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=255), nullable=False),
        sa.Column("section_title", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("lead_inferred", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_basis", sa.String(length=16), nullable=False),
        sa.Column("deadline_text", sa.String(length=255), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("cycle", sa.String(length=16), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("progress", sa.String(length=16), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["workflow_cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document", "clause_id", "idx", name="uq_sv_tasks_clause"),
    )
    op.create_index("ix_sv_tasks_document", "sv_tasks", ["document"])
    op.create_index("ix_sv_tasks_case_id", "sv_tasks", ["case_id"])
    op.create_table(
        "sv_task_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["sv_tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "unit", name="uq_sv_task_units"),
    )
    op.create_index("ix_sv_task_units_task_id", "sv_task_units", ["task_id"])
    op.create_index("ix_sv_task_units_unit", "sv_task_units", ["unit"])
    op.create_table(
        "sv_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("cycle", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=128), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["workflow_cases.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["sv_tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "unit", "cycle", name="uq_sv_reports_cycle"),
    )
    op.create_index("ix_sv_reports_task_id", "sv_reports", ["task_id"])
    op.create_index("ix_sv_reports_case_id", "sv_reports", ["case_id"])
    op.create_index("ix_sv_reports_unit_cycle", "sv_reports", ["unit", "cycle"])
    op.create_table(
        "sv_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["sv_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sv_evidence_report_id", "sv_evidence", ["report_id"])


def downgrade() -> None:
    for table in ("sv_evidence", "sv_reports", "sv_task_units", "sv_tasks"):
        op.drop_table(table)
