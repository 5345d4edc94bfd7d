"""Program 4 (MIIT regional-brand pilots and demonstration zones): the pilots' read model and
the MIIT batches. The first revision of the ``brand`` branch off 0010.

Revision ID: brand_0001
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "brand_0001"
down_revision = "0010"
branch_labels = ("brand",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brand_pilot",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("workflow_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False, server_default=""),
        sa.Column("province", sa.String(), nullable=False, server_default=""),
        sa.Column("city", sa.String(), nullable=False, server_default=""),
        sa.Column("county", sa.String(), nullable=False, server_default=""),
        sa.Column("applicant", sa.String(), nullable=False, server_default=""),
        sa.Column("applicant_kind", sa.String(), nullable=False, server_default=""),
        sa.Column("industries", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("procedure", sa.String(), nullable=False, server_default=""),
        sa.Column("plan_years", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("policy_version", sa.String(), nullable=False, server_default=""),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("recommended_on", sa.Date(), nullable=True),
        sa.Column("batch_id", sa.String(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("cycle", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("experts", sa.JSON(), nullable=False),
        sa.Column("material_total", sa.Float(), nullable=True),
        sa.Column("defence_total", sa.Float(), nullable=True),
        sa.Column("excellent", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("deadlines", sa.JSON(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("next_due_what", sa.String(), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("live", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_brand_pilot_stage", "brand_pilot", ["stage"])
    op.create_index("ix_brand_pilot_province_rec", "brand_pilot", ["province", "recommended_on"])
    op.create_index("ix_brand_pilot_next_due", "brand_pilot", ["next_due"])
    op.create_table(
        "brand_batch",
        sa.Column("batch_id", sa.String(), primary_key=True),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("held_by", sa.String(), nullable=False, server_default=""),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("brand_batch")
    op.drop_index("ix_brand_pilot_next_due", "brand_pilot")
    op.drop_index("ix_brand_pilot_province_rec", "brand_pilot")
    op.drop_index("ix_brand_pilot_stage", "brand_pilot")
    op.drop_table("brand_pilot")
