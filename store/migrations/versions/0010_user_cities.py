"""The platform's users across the four programs (RULES.md "Shared by every program"): a
user's scope may name cities (a prefecture-level 经贸局, a city or county government in
programs 3 and 4) beside industries, provinces and keys.

From here on each program's tables are an Alembic branch of its own off this revision
(``branch_labels = ("<program>",)``, ``down_revision = "0010"``), so programs can add tables
side by side; ``store.db.migrate`` upgrades every head.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_user") as batch:
        batch.add_column(sa.Column("cities", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("console_user") as batch:
        batch.drop_column("cities")
