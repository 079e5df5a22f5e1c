"""The store: SQLAlchemy tables, query functions (which never commit) and Alembic migrations."""
