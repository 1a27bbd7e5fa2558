"""Alembic environment: the connection comes from database.upgrade(); batch mode lets SQLite alter tables."""

from alembic import context
from stalkerlab.labs.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through stalkerlab.labs.store.database.upgrade()")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
