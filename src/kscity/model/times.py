"""Times as the store keeps them: UTC without an offset. The columns have no time zone on either backend, and an
aware time would be kept as its wall-clock time on SQLite but converted to UTC on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_naive(value: datetime | None = None) -> datetime:
    """`value` (the clock's now when None) in UTC without an offset; a time without an offset is taken as UTC."""
    value = value or datetime.now(UTC)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
