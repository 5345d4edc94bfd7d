"""Lifecycle store: read model, event journal, open deadlines, records, outbox.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("province", sa.String(50), nullable=False),
        sa.Column("city", sa.String(50), nullable=False, server_default=""),
        sa.Column("county", sa.String(50), nullable=False, server_default=""),
        sa.Column("region_code", sa.String(12), nullable=False, server_default=""),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("procedure", sa.String(30), nullable=False),
        sa.Column("title_status", sa.String(20), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("conferred_on", sa.Date(), nullable=True),
        sa.Column("expired_on", sa.Date(), nullable=True),
        sa.Column("next_deadline", sa.Date(), nullable=True),
        sa.Column("next_deadline_what", sa.String(40), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("policy_version", sa.String(40), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("live", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("stage", "title_status", "industry", "province", "next_deadline", "tier"):
        op.create_index(f"ix_cluster_{column}", "cluster", [column])
    op.create_index("ix_cluster_region_industry", "cluster", ["region_code", "industry"])

    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("idem_key", sa.String(250), nullable=False, unique=True),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_journal_cluster_seq", "journal", ["cluster_key", "seq"])
    op.create_index("ix_journal_on", "journal", ["on"])

    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("armed_on", sa.Date(), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("calendar_version", sa.String(40), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(500), nullable=False),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.UniqueConstraint("cluster_key", "key", name="uq_deadline_cluster_key"),
    )
    op.create_index("ix_deadline_due", "deadline", ["due"])

    op.create_table(
        "annual_report",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("growth", sa.JSON(), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("cluster_key", "year", name="uq_annual_report"),
    )

    op.create_table(
        "panel_member",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(30), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("senior", sa.Boolean(), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("cluster_key", "seq", "name", name="uq_panel_member"),
    )
    op.create_index("ix_panel_member_name", "panel_member", ["name"])

    op.create_table(
        "score_sheet",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(30), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("part1_met", sa.Integer(), nullable=False),
        sa.Column("part1", sa.Float(), nullable=False),
        sa.Column("part2_first5_met", sa.Integer(), nullable=False),
        sa.Column("part2_vetoes_clear", sa.Boolean(), nullable=False),
        sa.Column("part2", sa.Float(), nullable=False),
        sa.Column("part3", sa.Float(), nullable=False),
        sa.Column("part4", sa.Float(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("recommend", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("cluster_key", "seq", name="uq_score_sheet"),
    )

    op.create_table(
        "meeting",
        sa.Column("meeting_id", sa.String(60), primary_key=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meeting_held_on", "meeting", ["held_on"])
    op.create_table(
        "meeting_decision",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.String(60), nullable=False),
        sa.Column("cluster_key", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("procedure", sa.String(30), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.UniqueConstraint("meeting_id", "cluster_key", name="uq_meeting_decision"),
    )

    op.create_table(
        "recognition",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("recognised", sa.JSON(), nullable=False),
        sa.Column("overdue", sa.JSON(), nullable=False),
        sa.Column("rectifying", sa.JSON(), nullable=False),
        sa.Column("revoked", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("idem_key", sa.String(250), nullable=False, unique=True),
        sa.Column("cluster_key", sa.String(100), nullable=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["sent_at"])


def downgrade() -> None:
    for table in ("outbox", "recognition", "meeting_decision", "meeting", "score_sheet", "panel_member",
                  "annual_report", "deadline", "journal", "cluster"):
        op.drop_table(table)
