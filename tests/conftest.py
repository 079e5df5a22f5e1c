"""Shared fixtures: a migrated database on SQLite and (when KSCITY_TEST_DATABASE_URL is set) PostgreSQL.

Every store test that takes `kapp` runs once per backend. With the PostgreSQL URL set and the
server not answering, the tests fail rather than skip (CI must not go green on SQLite alone).
Each PostgreSQL run gets its own schema so concurrent runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kscity.app import App
from kscity.settings import Settings
from kscity.store.migrate import upgrade

PG_URL = os.environ.get("KSCITY_TEST_DATABASE_URL")
SHARED_DATA = Path(os.environ.get("KSCITY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real data folder (../shared/data); tests that need it skip with a reason if absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA} (set KSCITY_SHARED_DATA)")
    return SHARED_DATA


def _pg_schema_url() -> Iterator[str]:
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server must answer when CI says it is there
        pytest.fail(f"KSCITY_TEST_DATABASE_URL is set but PostgreSQL does not answer: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL per backend (not yet migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kscity.db'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def kapp(database_url: str) -> Iterator[App]:
    """A migrated, empty kscity App on each backend."""
    app = App(Settings(database_url=database_url, admin_token="test-token"))
    upgrade(app.engine)
    yield app
    app.dispose()


@pytest.fixture
def loaded_app(kapp: App) -> App:
    """A migrated kscity App on each backend with the shipped reference data loaded."""
    from kscity.services.reference_load import load_reference

    with kapp.transaction() as session:
        load_reference(session=session)
    return kapp
