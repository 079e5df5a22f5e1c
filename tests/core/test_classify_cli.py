"""`kscity classify FILE`: the JSON shape the acceptance check reads, codes vs --ignore-codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kscity.cli.main import app

RELEASE = {
    "ocid": "ocds-test-cls-1", "id": "r1", "date": "2024-01-02T00:00:00Z", "tag": ["tender"],
    "initiationType": "tender", "language": "es",
    "tender": {"id": "t1", "title": "Suministro de mobiliario de oficina",
               "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "35125300-2"}}]},
}


def _package(tmp_path: Path) -> Path:
    path = tmp_path / "pkg.json"
    path.write_text(json.dumps({"uri": "x", "publishedDate": "2024-01-02T00:00:00Z", "version": "1.1",
                                "releases": [RELEASE]}), encoding="utf-8")
    return path


def test_json_rows_by_code_and_by_text(tmp_path: Path) -> None:
    path = _package(tmp_path)
    res = CliRunner().invoke(app, ["classify", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    [row] = json.loads(res.stdout)
    assert set(row) == {"id", "service", "sub_solution", "score", "evidence"}
    assert (row["id"], row["service"], row["sub_solution"]) == ("ocds-test-cls-1", "safety", "intelligent_cctv")
    assert "CPV 35125300" in row["evidence"][0]
    res = CliRunner().invoke(app, ["classify", str(path), "--ignore-codes", "--format", "json"])
    [row] = json.loads(res.stdout)
    assert row["service"] == "not_smart_city" and row["evidence"]


def test_missing_and_empty_files(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["classify", str(tmp_path / "nope.json")])
    assert res.exit_code == 2 and "nope.json" in res.stderr
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    res = CliRunner().invoke(app, ["classify", str(empty), "--format", "json"])
    assert res.exit_code == 1 and "empty.json" in res.stderr and "Traceback" not in res.output
