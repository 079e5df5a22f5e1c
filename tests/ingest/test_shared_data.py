"""Every shared OCDS folder and TED notice reads through read_file; broken Paraguay files are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kscity.ingest import Accepted, Rejected, read_file
from kscity.ingest.items import canonical_bytes

OCDS_FOLDERS = [
    "australia/new-south-wales/sample/releases",
    "canada/buyandsell/sample/records",
    "canada/buyandsell/sample/releases",
    "canada/montreal/sample/records",
    "canada/montreal/sample/releases",
    "mexico/cdmx/sample/records",
    "mexico/cdmx/sample/releases",
    "mexico/grupo-aeroportuario/sample/records",
    "mexico/grupo-aeroportuario/sample/releases",
    "mexico/jalisco/sample/records",
    "mexico/jalisco/sample/releases",
    "paraguay/sample/records",
    "paraguay/sample/releases",
    "portugal",
    "uk-contracts-finder/sample/records",
    "uk-contracts-finder/sample/releases",
    "ukraine/sample/records",
    "ukraine/sample/releases",
]


@pytest.mark.parametrize("folder", OCDS_FOLDERS)
def test_every_ocds_folder_reads(shared_data: Path, folder: str) -> None:
    files = sorted((shared_data / "ocds" / folder).glob("*.json"))
    assert files, f"no files in {folder}"
    accepted = 0
    for path in files:
        reader = read_file(path, source=f"ocds:{folder.split('/')[0]}")
        items = list(reader)
        assert reader.summary.accepted + reader.summary.rejected == len(items)
        for item in items:
            if isinstance(item, Accepted):
                accepted += 1
                assert item.notice.ocid == item.ocid and item.ocid
                assert len(item.content_hash) == 64
                assert item.notice.stage in {"planning", "tender", "award", "contract", "implementation"}
                # the JSON text handed to the store with a release is the release as kept (not upgraded)
                assert item.payload_json is None or item.payload_json == canonical_bytes(item.payload)
            else:
                assert item.errors and all(e.message and e.where for e in item.errors)
    assert accepted > 0


def test_ukraine_notices_are_in_ukraine(shared_data: Path) -> None:
    notices = [
        item.notice
        for path in sorted((shared_data / "ocds/ukraine/sample/releases").glob("*.json"))
        for item in read_file(path)
        if isinstance(item, Accepted)
    ]
    assert notices and all(n.country == "UKR" for n in notices)
    assert all(n.currency == "UAH" for n in notices if n.value is not None)


def test_paraguay_broken_files_are_rejected_with_reasons(shared_data: Path) -> None:
    empties = [
        p for p in sorted((shared_data / "ocds/paraguay/sample/records").glob("*.json")) if p.stat().st_size == 0
    ]
    assert empties, "the shared Paraguay sample is expected to hold empty files"
    for path in empties:
        reader = read_file(path)
        items = list(reader)
        assert len(items) == 1 and isinstance(items[0], Rejected)
        assert "empty" in items[0].errors[0].message
        assert str(path) in items[0].errors[0].where
        assert reader.summary.errors and reader.summary.format == "empty"


@pytest.mark.parametrize("flavour", ["ted-xml", "eforms-xml"])
def test_every_ted_notice_reads(shared_data: Path, flavour: str) -> None:
    files = sorted((shared_data / "ted" / flavour).glob("*.xml"))
    assert len(files) >= 40
    for path in files:
        items = list(read_file(path))
        assert len(items) == 1 and isinstance(items[0], Accepted), path
        notice = items[0].notice
        assert notice.ocid.startswith("ted-") and notice.title and notice.buyer
        assert notice.country is not None and len(notice.country) == 3
        assert any(code.scheme == "CPV" for code in notice.items)


def test_ted_uk_country_code_becomes_gbr(shared_data: Path) -> None:
    uk = [p for p in (shared_data / "ted/ted-xml").glob("*.xml") if b'<ISO_COUNTRY VALUE="UK"' in p.read_bytes()]
    assert uk
    for path in uk:
        item, *_ = read_file(path)
        assert isinstance(item, Accepted) and item.notice.country == "GBR"


def test_ted_r209_and_eforms_twins_agree(shared_data: Path) -> None:
    pairs = 0
    for eforms in sorted((shared_data / "ted/eforms-xml").glob("*.xml")):
        r2 = shared_data / "ted/ted-xml" / eforms.name
        (a,) = read_file(r2)
        (b,) = read_file(eforms)
        assert isinstance(a, Accepted) and isinstance(b, Accepted)
        left, right = a.notice, b.notice
        assert (left.title, left.buyer, left.country, left.value, left.currency) == (
            right.title,
            right.buyer,
            right.country,
            right.value,
            right.currency,
        ), eforms.name
        assert left.source.source == "ted" and right.source.source == "ted-eforms"
        pairs += 1
    assert pairs >= 40


def test_same_ocid_and_release_id_with_different_content_is_detectable(shared_data: Path) -> None:
    folder = shared_data / "ocds/uk-contracts-finder/sample/releases"
    seen: dict[tuple[str, str], set[str]] = {}
    for path in sorted(folder.glob("*.json")):
        for item in read_file(path):
            if isinstance(item, Accepted):
                seen.setdefault((item.ocid, item.release_id), set()).add(item.content_hash)
    conflicting = [key for key, hashes in seen.items() if len(hashes) > 1]
    assert conflicting, "the UK sample holds the same ocid+id with different content"


def test_ocds_10_releases_are_upgraded(shared_data: Path) -> None:
    path = next(
        p
        for p in sorted((shared_data / "ocds/uk-contracts-finder/sample/releases").glob("*.json"))
        if b'"packageInfo"' in p.read_bytes()
    )
    item, *_ = read_file(path)
    assert isinstance(item, Accepted) and item.upgraded
    assert item.payload["parties"] and "buyer" in item.payload["parties"][0]["roles"]
