"""Indexes for what the hot queries filter on, so writes and lists do not slow down as the
store grows (issue 9): the record activity's look-up of already-journaled events
(journal.workflow_id + seq: a full scan per action and per clock without it), the annual
recognition's title events (journal.kind + on), the overview's overdue count (cluster.overdue)
and the radar's overdue filter (deadline.overdue_since).

Already covered and not repeated here: deadline, panel_member, score_sheet and annual_report
by cluster_key (the leading column of their unique constraints), meeting_decision by
meeting_id (likewise), journal by cluster_key (ix_journal_cluster_seq), journal.on, cluster's
list filters, deadline.due, meeting.held_on, outbox.sent_at, every idem_key, token and session
hash (unique or primary keys), console_session.expires_at, audit_read.cluster_key.
cluster.live is left unindexed: nearly every row is live, so an index would not be used.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_journal_workflow_seq", "journal", ["workflow_id", "seq"]),
    ("ix_journal_kind_on", "journal", ["kind", "on"]),
    ("ix_cluster_overdue", "cluster", ["overdue"]),
    ("ix_deadline_overdue_since", "deadline", ["overdue_since"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
