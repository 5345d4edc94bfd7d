"""The directory of opinion-giving bodies (issue 11; RULES.md "Bodies"): one row per national
industry association (with the industries it speaks for) or provincial light-industry body
(with its province), kept by the secretariat; routes and opinions choose from it, and the
body's kind is read from here, never guessed from its name.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# the bodies the demo, the examples and the tests name; the secretariat keeps the rest (the
# seeds name no association other than CNLIC itself, which is not an opinion-giving body)
SEED = (
    ("中国陶瓷工业协会", "association", ["陶瓷"], ""),
    ("中国造纸协会", "association", ["造纸"], ""),
    ("中国家具协会", "association", ["家具"], ""),
    ("中国皮革协会", "association", ["皮革"], ""),
    ("广东省轻工业联合会", "provincial", [], "广东省"),
    ("江西省轻工业联合会", "provincial", [], "江西省"),
    ("浙江省轻工业联合会", "provincial", [], "浙江省"),
)


def upgrade() -> None:
    body = op.create_table(
        "body",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("industries", sa.JSON(), nullable=False),
        sa.Column("province", sa.String(20), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_body_name"),
    )
    op.create_index("ix_body_kind_active", "body", ["kind", "active"])
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    op.bulk_insert(body, [
        {"name": n, "kind": k, "industries": i, "province": p, "active": True, "note": "初始名录",
         "updated_by": "迁移 0008", "updated_at": now}
        for n, k, i, p in SEED
    ])


def downgrade() -> None:
    op.drop_index("ix_body_kind_active", table_name="body")
    op.drop_table("body")
