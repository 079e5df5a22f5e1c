"""clean_canonical reads _clean's verdict from the canonical JSON bytes: never clean when _clean is not.

The reader hashes those bytes anyway (canonical_bytes), so the checks reuse them; hashes must not change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.ingest.items import canonical_bytes, content_hash
from kscity.ingest.validate import _clean, check_release, clean_canonical, is_iso_datetime, parse_datetime

# the keys clean_canonical may be unsure about (False while _clean says True): a key ending in an escaped
# quote + amount/currency ('"x\\"amount":'), or in the escape \u001d + "ate" (which reads like 'date":')
_UNSURE_KEY_ENDS = ('"amount', '"currency', "\x1date")

_DATES = ["2024-05-31", "2024-05-31T10:00:00Z", "2014-12-17T16:44:56+02:00", "2019-11-25T17:20:38.1197059Z",
          " 2024-05-31 ", "2024-13-45", "2024-02-30", "31/05/2024", "20240531", "2024-05-31\n", "2024-05-31\t",
          "\u30002024-05-31", "", " ", "\n\t", "\u3000", "2024-05-31x", "N/A", '2024-05-31"', "2024-05-31\\"]
_CURRENCIES = ["EUR", "UAH", "MXN", "XYZ", "eur", "EUR ", " EUR", "", "E\"R", "EU\\", "EUR\u0000", "€"]
_TRICKY_TEXT = ['"amount":"x"', '","amount":"x', '\\",\\"amount\\":\\"x', '","currency":"XYZ"', 'Date":"nope',
                '{"startDate":"bad"}', 'x\\', '\\"', "\x1d", "amount", "currency"]
_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.just(2**70), st.just(-(2**64)),  # big ints: the json.dumps path
    # JSON numbers only: every parser ingest uses (msgspec, orjson, yajl) refuses NaN, Infinity and 1e400, so a
    # release never holds them (orjson would write them as null)
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
    st.sampled_from(_DATES + _CURRENCIES + _TRICKY_TEXT),
)
_KEYS = st.one_of(
    st.sampled_from(["amount", "currency", "startDate", "date", "endDate", "xdate", "candidate", "update", "rate",
                     "state", "Date", "dateX", "amounts", "Amount", "value", "title", "items", "id", "tender"]),
    st.sampled_from(['x"amount', 'x\\"amount', "x\\amount", 'a"currency', "x\\", "\x1date", "\x1dDate", 'q"date',
                     "\\date", "montoDate\n", "날짜date", "금액", "amount\u0000", "\u0000date", "\ud7ffDate"]),
    st.text(max_size=6),
    st.text(max_size=4).map(lambda t: t + "Date"),
)
_TREE = st.recursive(_LEAF, lambda c: st.lists(c, max_size=4) | st.dictionaries(_KEYS, c, max_size=5),
                     max_leaves=30)
_RELEASES = st.dictionaries(_KEYS, _TREE, max_size=7)


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _old_content_hash(value: dict[str, Any]) -> str:
    """content_hash as it was before canonical_bytes: stored databases hold these digests."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(data).hexdigest()


@settings(max_examples=1500, deadline=None)
@given(_RELEASES)
def test_clean_canonical_is_clean_exactly_when_clean_says_so(release: dict[str, Any]) -> None:
    """Never True when _clean is False; equal to _clean unless a key is one of the known unsure shapes."""
    fast = clean_canonical(canonical_bytes(release))
    slow = _clean(release)
    assert slow or not fast, "clean_canonical missed an error _clean finds"
    if not any(key.endswith(_UNSURE_KEY_ENDS) for key in _keys(release)):
        assert fast == slow


@settings(max_examples=400, deadline=None)
@given(_RELEASES)
def test_check_release_with_canonical_bytes_gives_the_same_errors(tree: dict[str, Any]) -> None:
    release = {**tree, "ocid": "ocds-abc123-1", "id": "1"}
    assert check_release(release, "here", canonical_bytes(release)) == check_release(release, "here")


@pytest.mark.parametrize(
    ("release", "clean"),
    [
        ({"tender": {"value": {"amount": 5, "currency": "EUR"}, "startDate": "2024-05-31"}}, True),
        ({"tender": {"value": {"amount": "5"}}}, False),
        ({"tender": {"value": {"amount": True}}}, False),
        ({"tender": {"value": {"amount": {"amount": False}}}}, False),  # OCDS 1.0 Value objects are walked
        ({"value": {"currency": "XYZ"}}, False),
        ({"value": {"currency": 978}}, False),
        ({"value": {"currency": None}}, True),
        ({"candidate": "yesterday"}, False),  # ends in 'date'
        ({"rate": "high", "state": "active", "dateX": "soon"}, True),
        ({"items": [[{"endDate": "2024-02-30"}]]}, False),
        ({"items": [{"endDate": " "}]}, True),
        ({"startDate": {"date": "bad"}}, False),  # a date key holding an object is walked
        ({"title": '","amount":"x","currency":"XYZ","startDate":"bad'}, True),
        ({'x"amount': "text", "x\\": "x"}, True),  # the first key reads like '"amount":' (unsure: False)
        ({"startDate": "2024-05-31\t"}, True),  # an escape in a date: decoded, then parsed as _clean does
        ({"startDate": "2024-05\\-31"}, False),
    ],
)
def test_clean_canonical_on_chosen_shapes(release: dict[str, Any], clean: bool) -> None:
    assert _clean(release) is clean
    fast = clean_canonical(canonical_bytes(release))
    assert fast is clean or (clean and any(k.endswith(_UNSURE_KEY_ENDS) for k in _keys(release)))


@settings(max_examples=300, deadline=None)
@given(_RELEASES)
def test_content_hash_of_canonical_bytes_is_the_hash_stored_before(release: dict[str, Any]) -> None:
    old = _old_content_hash(release)
    assert content_hash(release) == old
    assert content_hash(canonical_bytes(release)) == old


def test_content_hash_digests_are_unchanged() -> None:
    """Fixed digests computed with the code before canonical_bytes (orjson path and big-integer path)."""
    release: dict[str, Any] = {"ocid": "ocds-abc-1", "id": "1", "tender": {"value": {"amount": 1.5, "currency": "EUR"}},
                               "title": "lámparas \"LED\"\n", "date": "2024-05-31T00:00:00Z"}
    assert content_hash(release) == "3df89394c66bbcb1727fac53059f3a6d4f36bea99f8bc4531e357cdd5d6ffe9c"
    release["tender"]["value"]["amount"] = 2**70
    assert content_hash(release) == "0fc61d2cd33e8a91aa470c01b89451290964aa1941011faf7baa26066e812cc7"


def _releases(shared_data: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with an ocid in the shared OCDS files: releases, records, compiled releases."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            if "ocid" in node:
                yield where, node
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{where}[{index}]")

    files = sorted((shared_data / "ocds").rglob("*.json"))
    assert files
    for path in files:
        try:
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            continue  # the broken Paraguay files: the reader reports them, there is no release to check
        yield from walk(data, path.name)


def test_shared_ocds_releases_check_the_same_with_canonical_bytes(shared_data: Path) -> None:
    count = unclean = unsure = 0
    for where, release in _releases(shared_data):
        canonical = canonical_bytes(release)
        assert check_release(release, where, canonical) == check_release(release, where), where
        assert content_hash(canonical) == _old_content_hash(release)
        fast, slow = clean_canonical(canonical), _clean(release)
        assert slow or not fast, where
        count += 1
        unclean += not slow
        unsure += slow and not fast
    assert count > 500 and unclean > 0  # the shared data has releases with bad dates and amounts
    assert unsure == 0  # no real release takes the slow path for nothing


_ISO_LIKE = st.builds(
    lambda year, month, day, time, zone: f"{year:04d}-{month:02d}-{day:02d}{time}{zone}",
    st.sampled_from([1, 2, 1999, 2024, 9998, 9999]), st.integers(0, 13), st.integers(0, 32),
    st.sampled_from(["", "T00:00:00", "T23:59:59.999999", "T12:00", " 10:00:00", "T25:00:00"]),
    st.sampled_from(["", "Z", "z", "+05:00", "-05:00", "+14:00", "-23:59", "+0530", "+24:00"]),
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_ISO_LIKE, st.sampled_from(_DATES), st.text(max_size=30)))
def test_is_iso_datetime_says_whether_parse_datetime_reads_it(value: str) -> None:
    assert is_iso_datetime(value) == (parse_datetime(value) is not None)
