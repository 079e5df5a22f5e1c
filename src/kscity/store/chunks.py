"""Long key lists asked for in pieces: one `IN (...)` of at most IN_LIST_SIZE values per statement.

SQLite before 3.32 refuses more than 999 bound parameters in one statement, and on both backends a few
statement shapes of at most IN_LIST_SIZE values keep the statement caches small; every "rows whose key is one
of these" lookup and delete in the store goes through `in_chunks`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

IN_LIST_SIZE = 500
T = TypeVar("T")


def in_chunks(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """Consecutive slices of `values`, each of at most `size` items, in order; none for an empty sequence."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    for start in range(0, len(values), size):
        yield values[start:start + size]
