"""The cluster list in key order by stage, per scope (issue 15, row 7: ``GET /api/clusters?stage=…``
at 100,000 clusters). With single-column indexes the page query read every cluster of the stage
(55,000 of 100,000 are designated) and sorted them to return 50; an index on the stage and then
the key hands them over in order, so a page reads its own rows (plus those it skips). The
association's and the province's lists filter on their industry or province first:
(industry, stage, key) and (province, stage, key). Each replaces the single-column index that is
its leading column (stage, industry, province): the counts and facets use the wider ones as well.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

REPLACED = (  # (new index, columns, the single-column index it replaces)
    ("ix_cluster_stage_key", ["stage", "key"], "ix_cluster_stage"),
    ("ix_cluster_industry_stage_key", ["industry", "stage", "key"], "ix_cluster_industry"),
    ("ix_cluster_province_stage_key", ["province", "stage", "key"], "ix_cluster_province"),
)


def upgrade() -> None:
    for name, columns, old in REPLACED:
        op.create_index(name, "cluster", columns)
        op.drop_index(old, table_name="cluster")


def downgrade() -> None:
    for name, columns, old in reversed(REPLACED):
        op.create_index(old, "cluster", columns[:1])
        op.drop_index(name, table_name="cluster")
