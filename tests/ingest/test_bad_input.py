"""Each bad input of issue #3 gets a clear rejected item (never an exception), keeping earlier good items."""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kscity.ingest import Accepted, Limits, Rejected, ocds, read_file


def release(ocid: str = "ocds-abc-1", rid: str = "r1", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ocid": ocid,
        "id": rid,
        "date": "2020-01-02T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "parties": [{"id": "b1", "name": "City of Hanoi", "roles": ["buyer"], "address": {"countryName": "Viet Nam"}}],
        "buyer": {"id": "b1", "name": "City of Hanoi"},
        "tender": {"id": "t1", "title": "Smart street lights", "value": {"amount": 1000.0, "currency": "EUR"}},
    }
    base.update(extra)
    return base


def package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {"uri": "http://x", "publishedDate": "2020-01-02T00:00:00Z", "version": "1.1", "releases": list(releases)}


def read(path: Path, **kwargs: Any) -> list[Any]:
    return list(read_file(path, **kwargs))


def only_rejection(items: list[Any]) -> Rejected:
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(rejected) == 1, items
    return rejected[0]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert "empty" in only_rejection(read(path)).errors[0].message


def test_not_json_text(tmp_path: Path) -> None:
    path = tmp_path / "error.json"
    path.write_text("Internal Server Error\n")
    error = only_rejection(read(path)).errors[0]
    assert "not a format kscity reads" in error.message and error.message_ko


def test_html_error_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "error.json"
    path.write_text("<html><body>502 Bad Gateway</body></html>")
    assert "not a TED notice" in only_rejection(read(path)).errors[0].message


def test_truncated_json_keeps_earlier_releases(tmp_path: Path) -> None:
    data = json.dumps(package(release(rid="a"), release(rid="b"), release(rid="c"))).encode()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: data.rindex(b'"c"') + 2])
    items = read(path)
    assert [i.release_id for i in items if isinstance(i, Accepted)] == ["a", "b"]
    error = only_rejection(items).errors[0]
    assert "ends early" in error.message and "after releases[1]" in error.where


def test_latin1_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(release(), ensure_ascii=False).replace("Hanoi", "Bogotá").encode("latin-1"))
    assert "not UTF-8" in only_rejection(read(path)).errors[0].message


@pytest.mark.parametrize("bad", [b"\xed\xa0\x80", b"\xc0\xaf"], ids=["encoded surrogate", "overlong"])
def test_invalid_utf8_in_a_later_release_keeps_the_earlier_ones(tmp_path: Path, bad: bytes) -> None:
    """Bytes that Python's UTF-8 decoder refuses after yajl let them through: a report, not a crash."""
    data = json.dumps(package(release(rid="a"), release(rid="b"))).encode()
    at = data.rindex(b"Hanoi")
    path = tmp_path / "bad-utf8.json"
    path.write_bytes(data[:at] + bad + data[at:])
    items = read(path)
    assert [i.release_id for i in items if isinstance(i, Accepted)] == ["a"]
    assert "not UTF-8" in only_rejection(items).errors[0].message


def test_release_without_ocid(tmp_path: Path) -> None:
    bad = release()
    del bad["ocid"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(package(release(rid="ok"), bad)))
    items = read(path)
    assert sum(isinstance(i, Accepted) for i in items) == 1
    rejected = only_rejection(items)
    assert rejected.errors[0].path == "ocid" and "ocid is required" in rejected.errors[0].message
    assert rejected.payload == bad and "releases[1]" in rejected.errors[0].where


def test_duplicate_ocid_and_id_with_different_content_get_different_hashes(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    changed = release(tender={"id": "t1", "title": "Changed", "value": {"amount": 5.0, "currency": "EUR"}})
    path.write_text(json.dumps(release()) + "\n" + json.dumps(changed) + "\n" + json.dumps(release()) + "\n")
    items = [i for i in read(path) if isinstance(i, Accepted)]
    assert {(i.ocid, i.release_id) for i in items} == {("ocds-abc-1", "r1")}
    assert items[0].content_hash != items[1].content_hash and items[0].content_hash == items[2].content_hash


def test_amount_as_string(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(release(tender={"value": {"amount": "N/A", "currency": "EUR"}})))
    error = only_rejection(read(path)).errors[0]
    assert error.message == "tender.value.amount must be a number, got 'N/A'"
    assert error.path == "tender.value.amount" and "ocds-abc-1" in error.where and str(path) in error.where


def test_unknown_currency(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(release(tender={"value": {"amount": 3, "currency": "XYZ"}})))
    error = only_rejection(read(path)).errors[0]
    assert "tender.value.currency must be an ISO 4217" in error.message and "'XYZ'" in error.message


@pytest.mark.parametrize("bad_date", ["12/05/2017", "20170512", "next Tuesday", "2017-13-45"])
def test_non_iso_dates(tmp_path: Path, bad_date: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(release(tender={"tenderPeriod": {"endDate": bad_date}})))
    error = only_rejection(read(path)).errors[0]
    assert error.path == "tender.tenderPeriod.endDate" and bad_date in error.message


@pytest.mark.parametrize("edge", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_date_that_utc_takes_past_the_calendar_is_refused_not_a_crash(tmp_path: Path, edge: str) -> None:
    """ISO 8601 as written, but kept in UTC it would fall before the year 1 or after 9999: the release is
    quarantined with the date's place, the next one is read."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps(package(release(date=edge), release(ocid="ocds-abc-2", date="2020-01-01T00:00:00Z"))))
    items = read(path)
    assert [type(i) for i in items] == [Rejected, Accepted]
    error = items[0].errors[0]
    assert error.path == "date" and edge in error.message


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE TED_EXPORT SYSTEM "http://example.org/ted.dtd"><TED_EXPORT/>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><TED_EXPORT>&e;</TED_EXPORT>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><TED_EXPORT>&b;</TED_EXPORT>',
    ],
)
def test_xml_with_dtd_or_entities_is_refused(tmp_path: Path, xml: bytes) -> None:
    path = tmp_path / "n.xml"
    path.write_bytes(xml)
    error = only_rejection(read(path)).errors[0]
    assert "DTD or entities" in error.message and "passwd" not in error.message


def _zeros_zip(path: Path, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, archive.open("big.json", "w") as out:
        out.write(b"[")
        for _ in range(megabytes):
            out.write(b" " * (1 << 20))
        out.write(b"]")


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    _zeros_zip(path, 8)
    error = only_rejection(read(path, limits=Limits(ratio_floor_bytes=1 << 20))).errors[0]
    assert "compression ratio" in error.message and "zip bomb" in error.message


def test_zip_over_total_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    _zeros_zip(path, 3)
    error = only_rejection(read(path, limits=Limits(max_uncompressed_bytes=2 << 20))).errors[0]
    assert "inflate" in error.message


def test_gzip_bomb_stops_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused as it inflates, once: the size limit does not send the reader back to ijson for a second pass."""

    def no_second_pass(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bomb was inflated a second time")

    monkeypatch.setattr(ocds.ijson, "items", no_second_pass)
    path = tmp_path / "bomb.json.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"[" + json.dumps(release()).encode() + b",")
        for _ in range(8):
            out.write(b" " * (1 << 20))
        out.write(b"]")
    items = read(path, limits=Limits(ratio_floor_bytes=1 << 20))
    assert sum(isinstance(i, Accepted) for i in items) == 1
    assert "compression ratio" in only_rejection(items).errors[0].message


def test_two_gb_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: no 2 GB written
    if os.stat(path).st_blocks * 512 > 1 << 20:
        pytest.skip("file system does not support sparse files")
    error = only_rejection(read(path)).errors[0]
    assert "over the limit" in error.message and error.message_ko


def test_record_with_only_linked_releases_and_no_compiled_release(tmp_path: Path) -> None:
    path = tmp_path / "rp.json"
    record = {"ocid": "ocds-abc-1", "releases": [{"url": "http://x/r1", "date": "2020-01-01T00:00:00Z"}]}
    path.write_text(json.dumps({"uri": "u", "publishedDate": "2020-01-01T00:00:00Z", "records": [record]}))
    assert "compiledRelease" in only_rejection(read(path)).errors[0].message


def test_json_scalar_is_not_ocds(tmp_path: Path) -> None:
    path = tmp_path / "n.json"
    path.write_text('["a", "b"]')
    assert "not OCDS" in only_rejection(read(path)).errors[0].message


def test_schema_validation_when_a_schema_is_given(tmp_path: Path, shared_data: Path) -> None:
    schema = shared_data / "ocds-schema/1__1__5/release-schema.json"
    bad = release()
    bad["tag"] = ["not-a-tag"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(bad))
    assert isinstance(read(path)[0], Accepted)
    error = only_rejection(read(path, schema_path=schema)).errors[0]
    assert error.path.startswith("tag") and "not-a-tag" in error.message


def test_no_exception_escapes_on_random_bytes(tmp_path: Path) -> None:
    for index, blob in enumerate(
        [b"\x00\x01\x02", b"{", b"[{]", b"\xff\xfe{}", b"PK\x03\x04garbage", b"\x1f\x8bnot gzip"]
    ):
        path = tmp_path / f"b{index}.json"
        path.write_bytes(blob)
        items = read(path)
        assert items and all(isinstance(i, Rejected) for i in items), blob
