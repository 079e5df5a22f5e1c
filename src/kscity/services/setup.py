"""Set up a database: migrate, load the shipped reference data and, when asked, the sample catalogue."""

from __future__ import annotations

from typing import Any

from kscity.app import App
from kscity.services.reference_load import load_reference
from kscity.store.migrate import upgrade


def initialise(kapp: App, *, sample: bool = False) -> dict[str, Any]:
    """Migrate and load; idempotent (a second run changes nothing). Raises DatabaseUnavailable."""
    kapp.check_database()
    upgrade(kapp.engine)
    with kapp.transaction() as session:
        files = load_reference(session=session)
        sample_firms = 0
        if sample:
            from kscity.services.catalogue import load_sample_catalogue  # the catalogue area

            sample_firms = load_sample_catalogue(session=session)
    return {
        "database": kapp.engine.url.render_as_string(hide_password=True),
        "files": [{"file": f.file, "rows": f.rows, "changed": f.changed} for f in files],
        "sample_firms": sample_firms,
    }
