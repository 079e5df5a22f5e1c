"""Format names for people: every format a reader names reads in Korean and English, wrappers and all."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from kscity.ingest import read_file
from kscity.ingest.format_names import format_text

RELEASE = {"ocid": "ocds-zz-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"title": "CCTV"}}


def _files(folder: Path, shared_data: Path) -> list[Path]:
    """One file of each shape the readers take."""
    package = json.dumps({"releases": [RELEASE]}).encode()
    made = {
        "package.json": package,
        "records.json": json.dumps({"records": [{"ocid": "ocds-zz-1", "releases": [RELEASE]}]}).encode(),
        "list.json": json.dumps([{"releases": [RELEASE]}]).encode(),
        "one.json": json.dumps(RELEASE).encode(),
        "lines.jsonl": json.dumps(RELEASE).encode() + b"\n" + json.dumps(RELEASE).encode(),
        "package.json.gz": gzip.compress(package),
        "list.json.gz": gzip.compress(json.dumps([{"releases": [RELEASE]}]).encode()),
        "empty.json": b"",
        "odd.json": b"hello",
        "list.csv": b"title,country\nCCTV,KEN\n",
    }
    for name, body in made.items():
        (folder / name).write_bytes(body)
    with zipfile.ZipFile(folder / "both.zip", "w") as archive:
        archive.writestr("a.json", package)
        archive.writestr("b.csv", "title,country\nCCTV,KEN\n")
    ted = [sorted((shared_data / "ted" / kind).glob("*.xml"))[0] for kind in ("ted-xml", "eforms-xml")]
    return sorted(folder.iterdir()) + ted


def test_every_format_a_reader_names_reads_in_both_languages(tmp_path: Path, shared_data: Path) -> None:
    names = set()
    for path in _files(tmp_path, shared_data):
        reader = read_file(path)
        for _ in reader:
            pass
        names.add(reader.summary.format)
    assert len(names) >= 12, names  # the shapes above give that many names
    for name in names:
        ko, en = format_text(name, "ko"), format_text(name, "en")
        assert ko != name and en != name, name  # every part known: nothing shown as the reader wrote it
        assert not any(word in ko for word in ("package", "release", "record", "list", "empty", "unknown", "zip of",
                                               "values", "(in a")), (name, ko)


@pytest.mark.parametrize("name,ko,en", [
    ("ocds release package (in a list) (gzip)", "OCDS 릴리스 패키지(JSON 목록), gzip 압축",
     "OCDS release package in a JSON list, gzip"),
    ("zip of csv (zip), ted eforms (zip)", "ZIP 압축 파일: CSV 목록, TED 공고(eForms)",
     "ZIP archive: CSV list, TED notice (eForms)"),
    ("a format from a later version", "a format from a later version", "a format from a later version"),
])
def test_names_with_wrappers(name: str, ko: str, en: str) -> None:
    assert (format_text(name, "ko"), format_text(name, "en")) == (ko, en)
