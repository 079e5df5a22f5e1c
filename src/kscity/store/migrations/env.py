"""Alembic environment: uses the engine handed in by kscity.store.migrate (or KSCITY_DATABASE_URL)."""

from __future__ import annotations

from alembic import context

from kscity.app import make_engine
from kscity.settings import Settings
from kscity.store.tables import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(Settings().database_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
