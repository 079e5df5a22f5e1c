"""Every OCDS container shape reads to the same releases: package, record package, arrays, lines, .gz, .zip."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.ingest import Accepted, content_hash, read_file
from tests.ingest.test_bad_input import package, release

RELEASES = [release(ocid=f"ocds-abc-{i}", rid=f"r{i}") for i in range(3)]


def shapes() -> dict[str, bytes]:
    record = {"ocid": "x", "releases": RELEASES, "compiledRelease": RELEASES[0]}
    return {
        "release package": json.dumps(package(*RELEASES)).encode(),
        "releases first": json.dumps({"releases": RELEASES, "uri": "u", "version": "1.1"}).encode(),
        "record package": json.dumps({"uri": "u", "publishedDate": "p", "records": [record]}).encode(),
        "array of releases": json.dumps(RELEASES).encode(),
        "array of packages": json.dumps([package(*RELEASES[:2]), package(RELEASES[2])]).encode(),
        "json lines": b"\n".join(json.dumps(r).encode() for r in RELEASES) + b"\n",
        "concatenated": b"".join(json.dumps(r).encode() for r in RELEASES),
        "concatenated packages": b" ".join(json.dumps(package(r)).encode() for r in RELEASES),
        "bom": b"\xef\xbb\xbf" + json.dumps(package(*RELEASES)).encode(),
    }


@pytest.mark.parametrize("shape", list(shapes()))
def test_shapes_yield_the_same_releases(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(shapes()[shape])
    reader = read_file(path)
    items = list(reader)
    assert [i.release_id for i in items if isinstance(i, Accepted)] == ["r0", "r1", "r2"], items
    assert reader.summary.accepted == 3 and reader.summary.rejected == 0
    assert reader.summary.format.startswith("ocds")


def test_gzip_and_zip(tmp_path: Path) -> None:
    data = json.dumps(package(*RELEASES)).encode()
    gz = tmp_path / "data.json.gz"
    gz.write_bytes(gzip.compress(data))
    zipped = tmp_path / "data.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.json", data)
        archive.writestr("b/c.jsonl", b"\n".join(json.dumps(r).encode() for r in RELEASES))
    gz_read = read_file(gz)
    next(iter(gz_read))  # while the file is read, its format is named whole (an import records it per batch)
    assert gz_read.summary.format == "ocds release package (gzip)"
    assert len([i for i in gz_read if isinstance(i, Accepted)]) == 2 and gz_read.summary.format == \
        "ocds release package (gzip)"
    zip_read = read_file(zipped)
    items = [i for i in zip_read if isinstance(i, Accepted)]
    assert len(items) == 6 and items[3].position.startswith("b/c.jsonl")
    assert zip_read.summary.format.startswith("zip of")


def test_notice_fields_from_a_release() -> None:
    from kscity.ingest import notice_from_release

    rates = {("EUR", 2020): 1.1}
    rel = release(
        tender={
            "title": "Lights",
            "value": {"amount": 100.0, "currency": "EUR"},
            "tenderPeriod": {"startDate": "2020-02-01", "endDate": "2020-03-01T12:00:00Z"},
            "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "34928500"}}],
        }
    )
    notice = notice_from_release(rel, fx=lambda c, y: rates.get((c, y)))
    assert (notice.country, notice.buyer, notice.stage, notice.currency) == ("VNM", "City of Hanoi", "tender", "EUR")
    assert notice.value_usd == pytest.approx(110.0)
    assert notice.tender_deadline is not None and notice.tender_deadline.day == 1
    assert notice.items[0].scheme == "CPV" and notice.items[0].code == "34928500"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=6))
def test_content_hash_ignores_key_order_but_not_values(payload: dict[str, Any]) -> None:
    reordered = dict(reversed(list(payload.items())))
    assert content_hash(payload) == content_hash(reordered)
    changed = dict(payload)
    key = next(iter(changed))
    changed[key] = [changed[key]]
    assert content_hash(changed) != content_hash(payload)
