"""The service desk: requests (接诉即办), 会商, 派单异议, citations, 服务包, needs, visits, 一企一策 (zhida.desk.tables).

Revision ID: 1100_service_desk
Revises: 1000_payout_ledger
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1100_service_desk"
down_revision = "1000_payout_ledger"
branch_labels = None
depends_on = None

TABLES = ("desk_citations", "desk_objections", "desk_consults", "desk_need_events", "desk_plans", "desk_visits",
          "desk_requests", "desk_package_members", "desk_needs", "desk_packages")


def upgrade() -> None:
    op.create_table('desk_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=6), nullable=True),
    sa.Column('unit', sa.String(length=255), nullable=False),
    sa.Column('members_from', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('desk_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['desk_packages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_desk_needs_package_id'), 'desk_needs', ['package_id'], unique=False)
    op.create_index(op.f('ix_desk_needs_uscc'), 'desk_needs', ['uscc'], unique=False)
    op.create_table('desk_package_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['desk_packages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('package_id', 'uscc')
    )
    op.create_index(op.f('ix_desk_package_members_officer_id'), 'desk_package_members', ['officer_id'], unique=False)
    op.create_index(op.f('ix_desk_package_members_package_id'), 'desk_package_members', ['package_id'], unique=False)
    op.create_index(op.f('ix_desk_package_members_uscc'), 'desk_package_members', ['uscc'], unique=False)
    op.create_table('desk_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['desk_packages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('package_id', 'uscc')
    )
    op.create_index(op.f('ix_desk_plans_uscc'), 'desk_plans', ['uscc'], unique=False)
    op.create_table('desk_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('line', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('requester', sa.String(length=255), nullable=False),
    sa.Column('contact', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('receiving_unit', sa.String(length=255), nullable=False),
    sa.Column('unit', sa.String(length=255), nullable=False),
    sa.Column('co_units', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.Column('suggestion', sa.JSON(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('solved', sa.Boolean(), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('responded_in_time', sa.Boolean(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('days_accept', sa.Integer(), nullable=True),
    sa.Column('days_dispatch', sa.Integer(), nullable=True),
    sa.Column('days_sign', sa.Integer(), nullable=True),
    sa.Column('days_handle', sa.Integer(), nullable=True),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['workflow_cases.id'], ),
    sa.ForeignKeyConstraint(['merged_into'], ['desk_requests.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id'),
    sa.UniqueConstraint('ticket_id')
    )
    op.create_index(op.f('ix_desk_requests_merged_into'), 'desk_requests', ['merged_into'], unique=False)
    op.create_index('ix_desk_requests_month', 'desk_requests', ['month'], unique=False)
    op.create_index('ix_desk_requests_receiving', 'desk_requests', ['receiving_unit', 'month'], unique=False)
    op.create_index('ix_desk_requests_unit_month', 'desk_requests', ['unit', 'month'], unique=False)
    op.create_index(op.f('ix_desk_requests_uscc'), 'desk_requests', ['uscc'], unique=False)
    op.create_table('desk_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['desk_packages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_desk_visits_officer_id'), 'desk_visits', ['officer_id'], unique=False)
    op.create_index(op.f('ix_desk_visits_package_id'), 'desk_visits', ['package_id'], unique=False)
    op.create_index(op.f('ix_desk_visits_uscc'), 'desk_visits', ['uscc'], unique=False)
    op.create_table('desk_citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=64), nullable=False),
    sa.Column('clause_id', sa.String(length=64), nullable=False),
    sa.Column('cite', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=255), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['desk_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_desk_citations_month', 'desk_citations', ['month', 'unit'], unique=False)
    op.create_index(op.f('ix_desk_citations_request_id'), 'desk_citations', ['request_id'], unique=False)
    op.create_table('desk_consults',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=255), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('by', sa.String(length=128), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['desk_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'unit')
    )
    op.create_index(op.f('ix_desk_consults_request_id'), 'desk_consults', ['request_id'], unique=False)
    op.create_index(op.f('ix_desk_consults_unit'), 'desk_consults', ['unit'], unique=False)
    op.create_table('desk_need_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['need_id'], ['desk_needs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_desk_need_events_need_id'), 'desk_need_events', ['need_id'], unique=False)
    op.create_table('desk_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suggested_unit', sa.String(length=255), nullable=True),
    sa.Column('by', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_by', sa.String(length=128), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_unit', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['desk_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_desk_objections_request_id'), 'desk_objections', ['request_id'], unique=False)
    # WARNING: constraint name is None; this directive will fail as
    # rendered.  Add a name, or use a naming convention; see
    # https://alembic.sqlalchemy.org/en/latest/naming.html


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
