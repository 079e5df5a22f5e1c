"""Settings from the environment (prefix KSCITY_), one object for CLI, web and tests."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_PATH = Path("var") / "kscity.db"


class Settings(BaseSettings):
    """Runtime settings; every field can be set as KSCITY_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="KSCITY_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    admin_token: str = "change-me"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "kscity@localhost"
    max_upload_bytes: int = 2 * 1024**3
    max_fund_paths: int = 2_000_000
    shared_data_dir: Path | None = None
    # read files in a second process during ingest: unset = when there are two cores and the file is large
    # enough to pay for the worker's start; KSCITY_INGEST_WORKER=0 or 1 decides
    ingest_worker: bool | None = None
    # items per committed ingest transaction at most: a kill -9 loses at most these (why: services.ingest)
    ingest_commit_items: int = Field(default=5_000, ge=1)
