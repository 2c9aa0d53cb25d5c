"""The project library (高精尖产业项目库, 首谈制), the industrial map and 融资对接
(zhida.projects.tables, zhida.finance.tables).

Revision ID: 1300_projects
Revises: 1200_registries
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1300_projects"
down_revision = "1200_registries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("finance_products",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("lender", sa.String(length=255), nullable=False),
    sa.Column("kind", sa.String(length=32), nullable=False),
    sa.Column("amount_min", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("amount_max", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("term_min", sa.Integer(), nullable=True),
    sa.Column("term_max", sa.Integer(), nullable=True),
    sa.Column("rate_min", sa.Numeric(precision=6, scale=3), nullable=True),
    sa.Column("rate_max", sa.Numeric(precision=6, scale=3), nullable=True),
    sa.Column("conditions", sa.JSON(), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("code")
    )
    op.create_index(op.f("ix_finance_products_lender"), "finance_products", ["lender"], unique=False)
    op.create_table("map_districts",
    sa.Column("region_code", sa.String(length=6), nullable=False),
    sa.Column("industries", sa.JSON(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("region_code")
    )
    op.create_table("map_parcels",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("region_code", sa.String(length=6), nullable=False),
    sa.Column("lon", sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column("lat", sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column("area_mu", sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("industries", sa.JSON(), nullable=False),
    sa.Column("standards", sa.JSON(), nullable=False),
    sa.Column("unit", sa.String(length=255), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("code")
    )
    op.create_index("ix_map_parcels_region", "map_parcels", ["region_code", "status"], unique=False)
    op.create_table("projects",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("owner_uscc", sa.String(length=18), nullable=True),
    sa.Column("investor", sa.String(length=255), nullable=True),
    sa.Column("industry_code", sa.String(length=5), nullable=True),
    sa.Column("region_code", sa.String(length=6), nullable=False),
    sa.Column("total_investment", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("new_paid_in_capital", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("foreign_investment_usd", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("annual_output", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("annual_tax", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("land_mu", sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column("strategic", sa.Boolean(), nullable=True),
    sa.Column("stage", sa.String(length=16), nullable=False),
    sa.Column("stage_dates", sa.JSON(), nullable=False),
    sa.Column("stage_case_id", sa.Integer(), nullable=True),
    sa.Column("officer_id", sa.Integer(), nullable=True),
    sa.Column("documents", sa.JSON(), nullable=False),
    sa.Column("shoutan_case_id", sa.Integer(), nullable=True),
    sa.Column("shoutan_state", sa.String(length=16), nullable=True),
    sa.Column("found_by", sa.String(length=6), nullable=True),
    sa.Column("shoutan_region", sa.String(length=6), nullable=True),
    sa.Column("shoutan_recognised_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("shoutan_due", sa.Date(), nullable=True),
    sa.Column("shoutan_flagged_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("credited_region", sa.String(length=6), nullable=True),
    sa.Column("landed_at", sa.Date(), nullable=True),
    sa.Column("agency_name", sa.String(length=255), nullable=True),
    sa.Column("agency_uscc", sa.String(length=18), nullable=True),
    sa.Column("agency_entity_type", sa.String(length=32), nullable=True),
    sa.Column("agency_full_service", sa.Boolean(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["shoutan_case_id"], ["workflow_cases.id"], ),
    sa.ForeignKeyConstraint(["stage_case_id"], ["workflow_cases.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("code")
    )
    op.create_index("ix_projects_credited", "projects", ["credited_region"], unique=False)
    op.create_index(op.f("ix_projects_officer_id"), "projects", ["officer_id"], unique=False)
    op.create_index(op.f("ix_projects_owner_uscc"), "projects", ["owner_uscc"], unique=False)
    op.create_index("ix_projects_region_stage", "projects", ["region_code", "stage"], unique=False)
    op.create_index(op.f("ix_projects_shoutan_state"), "projects", ["shoutan_state"], unique=False)
    op.create_table("finance_needs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("uscc", sa.String(length=18), nullable=False),
    sa.Column("enterprise_name", sa.String(length=255), nullable=False),
    sa.Column("region_code", sa.String(length=6), nullable=True),
    sa.Column("project_id", sa.Integer(), nullable=True),
    sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column("term_months", sa.Integer(), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False),
    sa.Column("share_lenders", sa.JSON(), nullable=False),
    sa.Column("share_profile", sa.Boolean(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_finance_needs_project_id"), "finance_needs", ["project_id"], unique=False)
    op.create_index("ix_finance_needs_region", "finance_needs", ["region_code", "status"], unique=False)
    op.create_index(op.f("ix_finance_needs_uscc"), "finance_needs", ["uscc"], unique=False)
    op.create_table("finance_responses",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("need_id", sa.Integer(), nullable=False),
    sa.Column("product_id", sa.Integer(), nullable=False),
    sa.Column("lender", sa.String(length=255), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(length=16), nullable=False),
    sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["case_id"], ["workflow_cases.id"], ),
    sa.ForeignKeyConstraint(["need_id"], ["finance_needs.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["product_id"], ["finance_products.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("case_id"),
    sa.UniqueConstraint("need_id", "product_id")
    )
    op.create_index(op.f("ix_finance_responses_lender"), "finance_responses", ["lender"], unique=False)
    op.create_index(op.f("ix_finance_responses_need_id"), "finance_responses", ["need_id"], unique=False)
    op.create_index(op.f("ix_finance_responses_product_id"), "finance_responses", ["product_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_finance_responses_product_id"), table_name="finance_responses")
    op.drop_index(op.f("ix_finance_responses_need_id"), table_name="finance_responses")
    op.drop_index(op.f("ix_finance_responses_lender"), table_name="finance_responses")
    op.drop_table("finance_responses")
    op.drop_index(op.f("ix_finance_needs_uscc"), table_name="finance_needs")
    op.drop_index("ix_finance_needs_region", table_name="finance_needs")
    op.drop_index(op.f("ix_finance_needs_project_id"), table_name="finance_needs")
    op.drop_table("finance_needs")
    op.drop_index(op.f("ix_projects_shoutan_state"), table_name="projects")
    op.drop_index("ix_projects_region_stage", table_name="projects")
    op.drop_index(op.f("ix_projects_owner_uscc"), table_name="projects")
    op.drop_index(op.f("ix_projects_officer_id"), table_name="projects")
    op.drop_index("ix_projects_credited", table_name="projects")
    op.drop_table("projects")
    op.drop_index("ix_map_parcels_region", table_name="map_parcels")
    op.drop_table("map_parcels")
    op.drop_table("map_districts")
    op.drop_index(op.f("ix_finance_products_lender"), table_name="finance_products")
    op.drop_table("finance_products")
