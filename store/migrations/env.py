"""Alembic environment: runs on the connection the service hands over (store.db.migrate)."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import store.cnlic.models  # noqa: F401  (program 1's tables, on the same metadata)

# programs 2–4's tables (store/<program>/models.py) are created by their own migration branches;
# their models are not imported here, so running the migrations never loads the programs

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
