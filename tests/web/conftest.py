"""A TestClient over the real app, on each backend, with the reference data loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kscity.app import App
from kscity.web.main import create_app


@pytest.fixture
def client(loaded_app: App) -> Iterator[TestClient]:
    """HTTP client for the web app over a loaded database."""
    with TestClient(create_app(loaded_app)) as c:
        yield c
