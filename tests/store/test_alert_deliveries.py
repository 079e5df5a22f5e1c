"""Delivery rows read back as they were given, on each backend (COPY on PostgreSQL, executemany elsewhere)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kscity.app import App
from kscity.store.queries.alerts import add_deliveries, delivered_pairs
from kscity.store.tables.alerts import AlertDeliveryRow, AlertProfileRow


def test_deliveries_read_back_as_given(kapp: App) -> None:
    with kapp.transaction() as s:
        profile = AlertProfileRow(name="CCTV 기업", created_at=datetime(2026, 11, 1))
        s.add(profile)
        s.flush()
        pid = profile.id
        # more than one chunk of 5,000, generated lazily as the alert run hands them over
        given = [(pid, f"ocds-x-{i}", f"공고 {i}" if i % 2 else "", [f"service: safety {i}"], [f"서비스: 안전 {i}"],
                  datetime(2026, 11, 2, 9, i % 60), i % 3 == 0) for i in range(5_003)]
        assert add_deliveries(s, iter(given)) == len(given)
    with kapp.read() as s:
        stored = sorted(((r.profile_id, r.ocid, r.title, r.reasons_en, r.reasons_ko, r.delivered_at, r.emailed)
                         for r in s.scalars(select(AlertDeliveryRow))), key=lambda r: int(r[1].rsplit("-", 1)[1]))
        assert stored == given
        asked = [(pid, "ocds-x-7"), (pid, "ocds-x-9999")]
        assert delivered_pairs(s, asked) == {(pid, "ocds-x-7")}
