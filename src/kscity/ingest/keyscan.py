"""The C pass of validate.clean_canonical (kscity.ingest._keyscan, built by setup.py with the compiled modules), when
this install has it and runs its compiled build: a stale build, `KSCITY_PURE=1` or a pure install scan in Python
(validate.scan_keys), with the same results."""

from __future__ import annotations

from collections.abc import Callable

import kscity

Scan = Callable[[bytes, frozenset[bytes]], list[bytes] | None]


def keyscan() -> Scan | None:
    """The C scan, or None where it must not or cannot run."""
    if kscity.NATIVE_BUILD != "compiled":
        return None
    try:
        from kscity.ingest._keyscan import scan  # only in a build that has it
    except ImportError:
        return None
    return scan
