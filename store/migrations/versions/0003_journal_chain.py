"""Tamper-evident journal: each row carries the previous row's hash and its own; and a log of
every audit read.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from domain.journal import GENESIS, canonical, link

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    # chain the rows written before this revision, per cluster in sequence order
    journal = sa.table(
        "journal", sa.column("id", sa.Integer), sa.column("cluster_key", sa.String), sa.column("seq", sa.Integer),
        sa.column("on", sa.Date), sa.column("kind", sa.String), sa.column("actor_role", sa.String),
        sa.column("actor_name", sa.String), sa.column("data", sa.JSON), sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(journal).order_by(journal.c.cluster_key, journal.c.seq)).mappings().all()
    head: dict[str, str] = {}
    for r in rows:
        prev = head.get(r["cluster_key"], GENESIS)
        digest = link(prev, canonical(r["cluster_key"], r["seq"], r["on"], r["kind"], r["actor_role"],
                                      r["actor_name"], r["data"]))
        bind.execute(sa.update(journal).where(journal.c.id == r["id"]).values(prev_hash=prev, hash=digest))
        head[r["cluster_key"]] = digest

    op.create_table(
        "audit_read",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("cluster_key", sa.String(100), nullable=True),
        sa.Column("outcome", sa.String(500), nullable=False),
    )
    op.create_index("ix_audit_read_cluster", "audit_read", ["cluster_key"])


def downgrade() -> None:
    op.drop_table("audit_read")
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
