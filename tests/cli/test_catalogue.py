"""`kscity catalogue` and `kscity demo catalogue`: the JSON shapes outside checks call, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run


@pytest.fixture
def ready(kscity: Run) -> Run:
    p = kscity("init", "--sample")
    assert p.returncode == 0, p.stderr
    return kscity


def test_list_json_shape_and_filters(ready: Run) -> None:
    p = ready("catalogue", "list", "--format", "json")
    assert p.returncode == 0, p.stderr
    firms = json.loads(p.stdout)
    assert len(firms) >= 50
    for f in firms:
        assert {"id", "name", "size", "services", "solutions", "sample"} <= set(f)
        assert set(f["name"]) == {"ko", "en"} and f["sample"] is True
    assert len({s for f in firms for s in f["services"]}) == 7
    p = ready("catalogue", "list", "--service", "healthcare", "--size", "startup", "--format", "json")
    picked = json.loads(p.stdout)
    assert picked and all("healthcare" in f["services"] and f["size"] == "startup" for f in picked)
    p = ready("catalogue", "solutions", "--q", "교통카드", "--format", "json")
    assert all(s["sub_solution"] == "transit_card" for s in json.loads(p.stdout))
    show = ready("catalogue", "show", str(firms[0]["id"]), "--format", "json")
    assert json.loads(show.stdout)["brn"] == firms[0]["brn"]


def test_unknown_filter_and_missing_company_exit_2(ready: Run) -> None:
    p = ready("catalogue", "list", "--service", "farming")
    assert p.returncode == 2 and "service" in p.stderr and "Traceback" not in p.stderr
    p = ready("catalogue", "show", "999999")
    assert p.returncode == 2 and "999999" in p.stderr


def test_import_refused_with_row_and_column(ready: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("회사명,사업자등록번호,규모\n테스트,123-45-67890,SME\n", encoding="utf-8")
    p = ready("catalogue", "import", str(bad), "--format", "json")
    assert p.returncode == 1
    report = json.loads(p.stdout)
    assert report["imported"] == 0 and report["updated"] == 0
    assert report["errors"][0]["row"] == 2 and report["errors"][0]["column"] == "사업자등록번호"
    text = ready("catalogue", "import", str(bad))
    assert text.returncode == 1 and "row 2" in text.stdout and "checksum" in text.stdout
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01 not a workbook")
    p = ready("catalogue", "import", str(junk), "--format", "json")
    assert p.returncode == 1 and "not an XLSX workbook" in json.loads(p.stdout)["errors"][0]["message"]


def test_export_then_import_round_trip(ready: Run, tmp_path: Path) -> None:
    before = json.loads(ready("catalogue", "list", "--format", "json").stdout)
    for fmt in ("xlsx", "json", "pdf"):
        out = tmp_path / f"cat.{fmt}"
        p = ready("catalogue", "export", "--format", fmt, "--lang", "en", "--output", str(out))
        assert p.returncode == 0, p.stderr
        assert out.stat().st_size > 1000
    dry = ready("catalogue", "import", str(tmp_path / "cat.xlsx"), "--dry-run", "--format", "json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["updated"] == len(before)
    p = ready("catalogue", "import", str(tmp_path / "cat.xlsx"), "--format", "json")
    assert json.loads(p.stdout) == {"imported": 0, "updated": len(before), "dry_run": False, "errors": []}
    assert json.loads(ready("catalogue", "list", "--format", "json").stdout) == before


def test_template_and_demo(ready: Run, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert ready("catalogue", "template", "--lang", "en", "--output", str(template)).returncode == 0
    empty = ready("catalogue", "import", str(template), "--format", "json")
    assert empty.returncode == 1  # headers only: refused, naming the empty sheet
    demo = tmp_path / "demo.xlsx"
    p = ready("demo", "catalogue", "--firms", "40", "--seed", "5", "--output", str(demo), "--format", "json")
    assert p.returncode == 0 and json.loads(p.stdout)["firms"] == 40
    p = ready("catalogue", "import", str(demo), "--format", "json")
    assert json.loads(p.stdout)["imported"] == 40
    p = ready("demo", "catalogue", "--firms", "0")
    assert p.returncode == 2 and "firms" in p.stderr
