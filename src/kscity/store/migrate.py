"""Run Alembic migrations programmatically (no alembic.ini needed); heads may branch per feature area."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and the given engine."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("kscity.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to every head (each feature area is a branch off the foundation)."""
    command.upgrade(alembic_config(engine), "heads")


def pending(engine: Engine) -> bool:
    """Whether migrations remain to be applied."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != set(script.get_heads())
