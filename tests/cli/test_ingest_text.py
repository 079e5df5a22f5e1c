"""The pipeline commands' text output, in Korean and English: per-file lines, totals, quiet runs."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kscity.cli.context import pad
from kscity.services.opportunities import STAGE_NAMES
from tests.cli.conftest import Run


def _folder(tmp_path: Path, shared_data: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.json").write_bytes(b"")
    (d / "good.json").write_bytes((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    return d


def test_ingest_text_counts_match_the_report_in_both_languages(kscity: Run, cli_env: dict[str, str],
                                                               tmp_path: Path, shared_data: Path) -> None:
    assert kscity("init").returncode == 0
    folder = _folder(tmp_path, shared_data)
    en = kscity("ingest", str(folder))
    assert en.returncode == 0, en.stderr
    lines = en.stdout.strip().splitlines()
    assert any("empty.json: empty file, 0 ingested, 1 quarantined" in x for x in lines)
    assert any("good.json: OCDS release package in a JSON list, " in x and "ingested" in x for x in lines)
    assert any("the file is empty" in x for x in lines)
    listed = json.loads(kscity("imports", "list", "--format", "json").stdout)
    ingested = sum(r["ingested"] for r in listed)
    assert ingested > 0
    assert lines[-1] == f"2 files: {ingested:,} ingested, 1 quarantined, 0 duplicates; 1 files with errors " \
                        "(kscity imports list --problems)"
    # the list the hint names: the empty file, not the good one
    problems = json.loads(kscity("imports", "list", "--problems", "--format", "json").stdout)
    assert [Path(r["path"]).name for r in problems] == ["empty.json"] and len(listed) == 2
    # again, in Korean and quiet: only the file with errors, then the totals (all duplicates now)
    ko = kscity("ingest", str(folder), "-q", env=cli_env | {"KSCITY_LANG": "ko"})
    assert ko.returncode == 0, ko.stderr
    lines = ko.stdout.strip().splitlines()
    assert not any("good.json" in x for x in lines)
    assert any("empty.json: 빈 파일, 적재 0건, 격리 1건" in x for x in lines)  # the format named in Korean too
    assert any("파일이 비어 있습니다" in x for x in lines) and "the file is empty" not in ko.stdout
    assert lines[-1].startswith(f"파일 2개: 적재 0건, 격리 1건, 중복 {ingested:,}건; 오류가 있는 파일 1개")


def test_imports_and_opportunities_text_in_korean(kscity: Run, cli_env: dict[str, str], tmp_path: Path,
                                                  shared_data: Path) -> None:
    assert kscity("init").returncode == 0
    assert kscity("ingest", str(_folder(tmp_path, shared_data))).returncode == 0
    ko_env = cli_env | {"KSCITY_LANG": "ko"}
    listed = json.loads(kscity("imports", "list", "--format", "json").stdout)
    empty = next(r for r in listed if r["path"].endswith("empty.json"))
    shown = kscity("imports", "show", str(empty["id"]), env=ko_env)
    assert shown.returncode == 0 and "파일이 비어 있습니다" in shown.stdout and "적재 0건" in shown.stdout
    assert "\n  파일 " in shown.stdout and "\n  file " not in shown.stdout  # the quarantined item's place, in Korean
    assert "적재" in kscity("imports", "list", env=ko_env).stdout
    ops = json.loads(kscity("opportunities", "--country", "PRT", "--format", "json").stdout)
    table = kscity("opportunities", "--country", "PRT", "--limit", "3", env=ko_env).stdout.splitlines()
    assert table[0].split()[:4] == ["ocid", "국가", "서비스", "단계"] and table[0].split()[5] == "마감"
    for row, o in zip(table[1:4], ops[:3], strict=True):  # each row's deadline, and whether it has passed
        assert o["deadline"][:10] in row and ("마감됨" in row) == (o["open"] is False)
    assert len(table) == 5 and table[-1] == f"(전체 {len(ops):,}건, 3건 표시)"
    one = kscity("opportunity", ops[0]["ocid"], env=ko_env).stdout
    assert "서비스:" in one and "출처:" in one and "service:" not in one
    timeline = json.loads(kscity("opportunity", ops[0]["ocid"], "--format", "json").stdout)["timeline"]
    assert f"  {STAGE_NAMES[ops[0]['stage']][1]}  " in one.splitlines()[1]  # the stage named, in Korean
    assert "  추진 경과:" in one and f"    {timeline[0]['date']}  {timeline[0]['label']['ko']}" in one


def test_opportunities_output_writes_every_match_and_refuses_other_suffixes(kscity: Run, cli_env: dict[str, str],
                                                                         tmp_path: Path, shared_data: Path) -> None:
    assert kscity("init").returncode == 0
    assert kscity("ingest", str(_folder(tmp_path, shared_data))).returncode == 0
    ops = json.loads(kscity("opportunities", "--format", "json").stdout)
    out = tmp_path / "list.csv"
    p = kscity("opportunities", "--limit", "1", "--output", str(out), env=cli_env | {"KSCITY_LANG": "ko"})
    assert p.returncode == 0 and f"사업 기회 {len(ops):,}건을 썼습니다" in p.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["ocid", "제목"] and [r[0] for r in rows[1:]] == [o["ocid"] for o in ops]
    bad = kscity("opportunities", "--output", str(tmp_path / "list.txt"))
    assert bad.returncode == 2 and ".xlsx or .csv" in bad.stderr and not (tmp_path / "list.txt").exists()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


@given(st.text(alphabet=st.sampled_from("ab 국가서비스-(USD)"), max_size=12), st.integers(0, 30), st.booleans())
def test_pad_fills_to_the_display_width(text: str, width: int, right: bool) -> None:
    out = pad(text, width, right=right)
    assert _width(out) == max(width, _width(text))
    assert (out.rstrip(" ") if not right else out.lstrip(" ")) == (text.rstrip(" ") if not right else text.lstrip(" "))
