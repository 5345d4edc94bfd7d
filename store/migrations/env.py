"""Alembic environment: runs on the connection the service hands over (store.db.migrate)."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import store.cnlic.models  # noqa: F401  (program 1's tables, on the same metadata)
from service.programs import import_store_models

import_store_models()  # programs 2–4: store/<program>/models.py, where present

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
