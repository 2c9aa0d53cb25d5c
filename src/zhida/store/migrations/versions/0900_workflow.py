"""The workflow engine's cases and steps (zhida.workflow.tables).

Revision ID: 0900_workflow
Revises: 0800_my_policies_seen
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900_workflow"
down_revision = "0800_my_policies_seen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workflow", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(255), index=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("due_estimated", sa.Boolean, nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True)),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workflow_cases_open", "workflow_cases", ["workflow", "closed", "due_at"])
    op.create_index("ix_workflow_cases_subject", "workflow_cases", ["subject_type", "subject_id"])
    op.create_table(
        "workflow_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("workflow_cases.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("transition", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(64)),
        sa.Column("to_state", sa.String(64), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_id", sa.Integer),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("data", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("workflow_steps")
    op.drop_table("workflow_cases")
