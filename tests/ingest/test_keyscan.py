"""The C scan (kscity.ingest._keyscan) says what validate.scan_keys says, for canonical JSON and for any bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kscity
from kscity.ingest.items import canonical_bytes
from kscity.ingest.validate import _currency_bytes, clean_canonical, scan_keys

try:
    from kscity.ingest._keyscan import scan
except ImportError:  # a pure install: nothing to compare
    scan = None

needs_c = pytest.mark.skipif(scan is None, reason="kscity.ingest._keyscan is not built here (pure install)")

CODES = _currency_bytes()
# pieces that make the keys and their values, and what breaks them
_PIECES = [b'"amount":', b'"currency":', b'Date":"', b'date":"', b'ate":"', b'"', b"\\", b'\\"', b":", b"null",
           b"nul", b"EUR", b"XYZ", b"t", b"f", b"1", b"2024-05-31", b"x", b",", b"{", b"}", b"D", b"d", b"\x00"]


@needs_c
@settings(max_examples=3000)
@given(st.lists(st.sampled_from(_PIECES) | st.binary(max_size=3), max_size=30).map(b"".join))
def test_the_c_scan_agrees_on_any_bytes(data: bytes) -> None:
    assert scan is not None
    assert scan(data, CODES) == scan_keys(data, CODES)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["EUR", "XYZ", "2024-05-31", "2024-13-45", "N/A", 'a"b', "x\\", ""]) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["amount", "currency", "startDate", "date", "update", "x\\amount", 'x"date', "title"])
        | st.text(max_size=5), inner, max_size=4),
    max_leaves=25)


@needs_c
@settings(max_examples=1000)
@given(st.dictionaries(st.sampled_from(["ocid", "id", "tender", "awards", "amount", "currency", "date"]), _VALUES,
                       max_size=6))
def test_the_c_scan_agrees_on_canonical_json(release: dict[str, Any]) -> None:
    assert scan is not None
    data = canonical_bytes(release)
    assert scan(data, CODES) == scan_keys(data, CODES)


@needs_c
def test_the_c_scan_agrees_on_the_shared_releases(shared_data: Path) -> None:
    releases = []
    for path in sorted((shared_data / "ocds").rglob("*.json"))[:400]:
        try:
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                releases += [r for r in item.get("releases", [item]) if isinstance(r, dict)]
    assert len(releases) > 300
    verdicts = set()
    for release in releases:
        data = canonical_bytes(release)
        found = scan(data, CODES) if scan is not None else None
        assert found == scan_keys(data, CODES)
        verdicts.add(found is None)
    assert verdicts == {True, False}, "both clean and unclean releases were compared"


def test_clean_canonical_uses_the_c_scan_only_in_the_compiled_build() -> None:
    from kscity.ingest import validate

    assert (validate._SCAN is not None) == (kscity.NATIVE_BUILD == "compiled" and scan is not None)
    assert clean_canonical(b'{"amount":"1"}') is False and clean_canonical(b'{"amount":1,"date":"2024-05-31"}')
