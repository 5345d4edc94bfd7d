"""Program 2 (CNLIC innovation-upgrade demonstration selection): the round and candidate read
model, the first revision of the ``demonstration`` branch off 0010.

Revision ID: demonstration_0001
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "demonstration_0001"
down_revision = "0010"
branch_labels = ("demonstration",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demonstration_round",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("workflow_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False, server_default=""),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("policy_version", sa.String(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("conference_on", sa.Date(), nullable=False),
        sa.Column("recommendation_deadline", sa.Date(), nullable=False),
        sa.Column("valid_titles", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("counted", sa.JSON(), nullable=False),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_demonstration_round_stage", "demonstration_round", ["stage"])
    op.create_table(
        "demonstration_candidate",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("round_key", sa.String(), nullable=False),
        sa.Column("cluster_key", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("association", sa.String(), nullable=False),
        sa.Column("recommended_on", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("failed", sa.JSON(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("publicity", sa.JSON(), nullable=True),
        sa.Column("platform", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reviewed", sa.Boolean(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("yes", sa.Integer(), nullable=True),
        sa.Column("no", sa.Integer(), nullable=True),
        sa.Column("abstain", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("removed_by", sa.String(), nullable=False, server_default=""),
        sa.Column("approved", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("honoured", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("round_key", "cluster_key", name="uq_demonstration_candidate"),
    )
    op.create_index("ix_demonstration_candidate_industry", "demonstration_candidate", ["industry"])


def downgrade() -> None:
    op.drop_index("ix_demonstration_candidate_industry", table_name="demonstration_candidate")
    op.drop_table("demonstration_candidate")
    op.drop_index("ix_demonstration_round_stage", table_name="demonstration_round")
    op.drop_table("demonstration_round")
