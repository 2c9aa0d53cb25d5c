"""督办: a unit fanned out of a collective phrase (各区政府 → 东城区政府 …) says so — the phrase as
written and its offsets in the document's original text (zhida.supervision.collective).

Revision ID: 1630_sv_derived_units
Revises: 1210_registry_figures
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1630_sv_derived_units"
down_revision = "1210_registry_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sv_task_units") as table:
        table.add_column(sa.Column("derived_from", sa.String(64), nullable=True))
        table.add_column(sa.Column("derived_start", sa.Integer(), nullable=True))
        table.add_column(sa.Column("derived_end", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sv_task_units") as table:
        table.drop_column("derived_end")
        table.drop_column("derived_start")
        table.drop_column("derived_from")
