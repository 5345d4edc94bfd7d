"""达标值 tables as data (issue 11; RULES.md "Thresholds"): one row per filed version of an
industry's table for a tier, with its effective date, its rows (indicator, value, direction,
unit), the hash of its content and who filed it. Versions are never edited in place. A score
sheet's row names the version it was checked against.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threshold_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("industry", sa.String(50), nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("filed_role", sa.String(20), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("industry", "tier", "version", name="uq_threshold_version"),
    )
    op.create_index("ix_threshold_table", "threshold_version", ["industry", "tier", "effective_from"])
    # the table version a score sheet was checked against (none for a sheet of typed-in counts)
    with op.batch_alter_table("score_sheet") as batch:
        batch.add_column(sa.Column("thresholds", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("score_sheet") as batch:
        batch.drop_column("thresholds")
    op.drop_index("ix_threshold_table", table_name="threshold_version")
    op.drop_table("threshold_version")
