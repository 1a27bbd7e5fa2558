"""Where a classroom's state lives: SQLAlchemy 2 models and Alembic migrations. SQLite (WAL) is the embedded
default; PostgreSQL by URL when several portal processes share one database."""
