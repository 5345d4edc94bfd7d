"""Notifications delivered (issue 10 §7): per-user read state of the outbox in the console,
one email delivery per (outbox row, user) with its attempts and last error, and an optional
email address on each console user; outbox rows indexed by recipient (a user's list filters
on it).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_user") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
    op.create_table(
        "notification_read",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "outbox_id", name="uq_notification_read"),
    )
    op.create_table(
        "email_delivery",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("outbox_id", "user_id", name="uq_email_delivery"),
    )
    op.create_index("ix_email_delivery_status_next", "email_delivery", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_recipient", "outbox", ["recipient", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.drop_index("ix_email_delivery_status_next", table_name="email_delivery")
    op.drop_table("email_delivery")
    op.drop_table("notification_read")
    with op.batch_alter_table("console_user") as batch:
        batch.drop_column("email")
