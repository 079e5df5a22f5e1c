"""Alert queries: what profiles already received, and recording new deliveries in bulk (never commits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kscity.store.bulk import copies, copy_rows, insert_many
from kscity.store.chunks import in_chunks
from kscity.store.tables.alerts import AlertDeliveryRow

DELIVERY_COLUMNS = ("profile_id", "ocid", "title", "reasons_en", "reasons_ko", "delivered_at", "emailed")
Delivery = tuple[int, str, str, Sequence[str], Sequence[str], datetime, bool]


def delivered_pairs(session: Session, wanted: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (profile id, ocid) pairs were delivered before, looked up by the unique (profile, ocid) index."""
    out: set[tuple[int, str]] = set()
    by_profile: dict[int, list[str]] = {}
    for pid, ocid in wanted:
        by_profile.setdefault(pid, []).append(ocid)
    for pid, ocids in by_profile.items():
        for chunk in in_chunks(ocids):
            out.update((pid, o) for o in session.scalars(select(AlertDeliveryRow.ocid).where(
                AlertDeliveryRow.profile_id == pid, AlertDeliveryRow.ocid.in_(chunk))))
    return out


def add_deliveries(session: Session, rows: Iterable[Delivery]) -> int:
    """Insert delivery rows (in DELIVERY_COLUMNS order): COPY on PostgreSQL, as a first run can record hundreds
    of thousands; executemany in chunks elsewhere. Returns how many were inserted."""
    table = cast(Table, AlertDeliveryRow.__table__)
    if copies(session):  # tuples as they come, no dict per row: the JSON columns go in as their text
        return copy_rows(session, table, DELIVERY_COLUMNS, ((pid, ocid, title, _json(en), _json(ko), when, emailed)
                                                            for pid, ocid, title, en, ko, when, emailed in rows))
    count = 0
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(zip(DELIVERY_COLUMNS, row, strict=True)))
        if len(chunk) == 5000:
            insert_many(session, table, chunk)
            count, chunk = count + len(chunk), []
    insert_many(session, table, chunk)
    return count + len(chunk)


def _json(value: Sequence[str]) -> str:
    return orjson.dumps(value).decode()
