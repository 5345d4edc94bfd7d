"""The one-lifecycle-per-region check reads the clusters it could clash with, not every live one
(issue 15: a registration read and compared each live cluster, so onboarding slowed as the store
grew — 10,000 registrations in a row, one industry, starved the worker of its event loop).

``region_names`` holds the normalised province + city + county names (``domain.cnlic.naming
.region_names``, "广东省|佛山市|禅城区" → "广东|佛山|禅城"); with the administrative code it
narrows the check to the rows that can match (same industry, and the same code or the same
names), and ``same_region`` decides among them as before. Existing rows are filled here.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from domain.cnlic.model import Region
    from domain.cnlic.naming import region_names

    op.add_column("cluster", sa.Column("region_names", sa.String(), nullable=False, server_default=""))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT key, province, city, county FROM cluster")).all()
    if rows:
        bind.execute(sa.text("UPDATE cluster SET region_names = :n WHERE key = :k"), [
            {"k": k, "n": "|".join(region_names(Region(province=p or "", city=c or "", county=n or "")))}
            for k, p, c, n in rows])
    op.create_index("ix_cluster_industry_region_names", "cluster", ["industry", "region_names"])


def downgrade() -> None:
    op.drop_index("ix_cluster_industry_region_names", table_name="cluster")
    op.drop_column("cluster", "region_names")
