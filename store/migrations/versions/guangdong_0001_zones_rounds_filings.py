"""Program 3 (广东省产业集群升级示范区): the 36 zones, the yearly rounds, each zone's filing in a
round, its draft and the documents it submitted. A branch of its own off 0010.

Revision ID: guangdong_0001
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "guangdong_0001"
down_revision = "0010"
branch_labels = ("guangdong",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gd_zone",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city", sa.String(50), nullable=False),
        sa.Column("district", sa.String(100), nullable=False, server_default=""),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("province", sa.String(20), nullable=False),
    )
    op.create_table(
        "gd_round",
        sa.Column("data_year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("workflow_id", sa.String(100), nullable=False),
        sa.Column("policy_version", sa.String(40), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("zones", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "gd_filing",
        sa.Column("data_year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("zone_key", sa.String(60), primary_key=True),
        sa.Column("workflow_id", sa.String(120), nullable=False),
        sa.Column("city", sa.String(50), nullable=False),
        sa.Column("step", sa.String(30), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("returns", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_return", sa.JSON(), nullable=True),
        sa.Column("form_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("summary_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("reached_province_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("signed", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_gd_filing_zone", "gd_filing", ["zone_key", "data_year"])
    op.create_index("ix_gd_filing_step", "gd_filing", ["data_year", "step"])
    op.create_table(
        "gd_draft",
        sa.Column("data_year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("zone_key", sa.String(60), primary_key=True),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "gd_document",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("zone_key", sa.String(60), nullable=False),
        sa.Column("data_year", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("gd_document")
    op.drop_table("gd_draft")
    op.drop_index("ix_gd_filing_step", table_name="gd_filing")
    op.drop_index("ix_gd_filing_zone", table_name="gd_filing")
    op.drop_table("gd_filing")
    op.drop_table("gd_round")
    op.drop_table("gd_zone")
