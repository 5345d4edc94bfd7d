"""The overdue clusters of a stage in key order (issue 15, row 7: ``GET /api/clusters?stage=
expired&overdue=true`` at 100,000 clusters). With the single-column overdue index the query read
every overdue cluster's row (2,000 of them) to keep the 117 of its stage, for the total and
again for the page; (overdue, stage, key) hands over the stage's overdue keys in order, and the
total is counted from the index alone. It replaces the single-column index, its leading column
(the overview's overdue count uses it as well).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cluster_overdue_stage_key", "cluster", ["overdue", "stage", "key"])
    op.drop_index("ix_cluster_overdue", table_name="cluster")


def downgrade() -> None:
    op.create_index("ix_cluster_overdue", "cluster", ["overdue"])
    op.drop_index("ix_cluster_overdue_stage_key", table_name="cluster")
