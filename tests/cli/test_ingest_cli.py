"""`kscity ingest`, `opportunities` and `imports` from the command line; bad input; kill -9 and resume."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Run


def test_ingest_report_shape_and_listing(kscity: Run, shared_data: Path) -> None:
    assert kscity("init").returncode == 0
    p = kscity("ingest", str(shared_data / "ocds/ukraine"), "--format", "json")
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert rep["files"] and set(rep["files"][0]) >= {"path", "format", "ingested", "quarantined", "duplicates",
                                                     "errors"}
    ops = json.loads(kscity("opportunities", "--country", "UKR", "--format", "json").stdout)
    assert ops and set(ops[0]) >= {"ocid", "title", "country", "service", "stage", "value_usd", "deadline", "sources"}
    listed = json.loads(kscity("imports", "list", "--format", "json").stdout)
    assert listed[0]["status"] == "done" and listed[0]["status_name"] == {"en": "Done", "ko": "완료"}
    files = len(rep["files"])
    text = kscity("imports", "list", "--per-page", "1", "--page", "2").stdout
    assert f"Files 2–2 of {files:,}, newest first" in text and ("next: --page 3" in text) == (files > 2)
    past = kscity("imports", "list", "--page", str(files + 1), "--per-page", "1").stdout
    assert f"No files on page {files + 1:,} ({files:,} files, {files:,} pages)." in past


@pytest.mark.parametrize("content,expect", [
    (b"", "empty"), (b"{not json", "JSON"), (b'{"releases": [{"ocid": "x", "id": "1"', "JSON"),
    ("{\"ocid\": \"ocds-1\", \"id\": \"a\", \"tender\": {\"title\": \"Caf\xe9\"}}".encode("latin-1"), ""),
])
def test_bad_files_get_a_report_not_a_crash(kscity: Run, tmp_path: Path, content: bytes, expect: str) -> None:
    assert kscity("init").returncode == 0
    f = tmp_path / "bad.json"
    f.write_bytes(content)
    p = kscity("ingest", str(f), "--format", "json")
    assert p.returncode == 0 and "Traceback" not in p.stderr
    rep = json.loads(p.stdout)["files"][0]
    assert rep["errors"] or rep["quarantined"] or rep["ingested"]
    assert expect.lower() in json.dumps(rep).lower()


@pytest.mark.parametrize(("lang", "says"), [("en", "error: invalid setting"), ("ko", "잘못된 설정값")])
def test_a_bad_setting_exits_2_naming_it(kscity: Run, cli_env: dict[str, str], lang: str, says: str) -> None:
    p = kscity("ingest", "/no/such/file.json", env=dict(cli_env, KSCITY_INGEST_COMMIT_ITEMS="0", KSCITY_LANG=lang))
    assert p.returncode == 2 and says in p.stderr and "KSCITY_INGEST_COMMIT_ITEMS" in p.stderr


def test_missing_path_exits_2(kscity: Run) -> None:
    assert kscity("init").returncode == 0
    p = kscity("ingest", "/no/such/file.json")
    assert p.returncode == 2 and "no such file" in p.stderr


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("worker", ["0", "1"])
def test_kill_9_leaves_whole_batches_and_a_rerun_completes(kscity: Run, cli_env: dict[str, str],
                                                            shared_data: Path, tmp_path: Path, worker: str) -> None:
    """With or without the reading process: whole transactions only (here of one batch each, so that some land
    before the kill), and (with it) the worker dies with the run."""
    cli_env = dict(cli_env, KSCITY_INGEST_WORKER=worker, KSCITY_INGEST_COMMIT_ITEMS="500")
    assert kscity("init").returncode == 0
    pkg = json.loads((shared_data / "ocds/portugal/impic-release-package.json").read_text())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    releases = []
    for i in range(60):  # 6,000 releases under new ocids: a run long enough to be killed halfway
        for r in pkg["releases"]:
            releases.append(dict(r, ocid=f"{r['ocid']}-copy{i}", id=f"{r['id']}-copy{i}"))
    big = tmp_path / "big.json.gz"
    with gzip.open(big, "wt", encoding="utf-8") as f:
        json.dump(dict(pkg, releases=releases), f)
    proc = subprocess.Popen([sys.executable, "-m", "kscity.cli", "ingest", str(big), "--format", "json"],
                            env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = cli_env["KSCITY_DATABASE_URL"].removeprefix("sqlite:///")
    deadline = time.time() + 120
    landed = 0
    while time.time() < deadline and proc.poll() is None:
        with sqlite3.connect(db) as con:
            landed = con.execute("select count(*) from release").fetchone()[0]
        if landed >= 500:  # whole batches of 500 have landed
            break
        time.sleep(0.2)
    workers = _children(proc.pid)
    assert bool(workers) == (worker == "1"), "the reading process runs exactly when asked for"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    until = time.time() + 10
    while any(_alive(w) for w in workers) and time.time() < until:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "the reading process does not outlive a kill -9 of the ingest"
    with sqlite3.connect(db) as con:
        stored = con.execute("select count(*) from release").fetchone()[0]
        linked = con.execute("select count(distinct ocid) from notice_link").fetchone()[0]
        distinct = con.execute("select count(distinct ocid) from release").fetchone()[0]
    assert stored < len(releases), "the run was cut short"
    assert linked == distinct, "every stored release has its opportunity: batches are whole"
    killed = json.loads(kscity("imports", "list", "--format", "json").stdout)[0]
    assert killed["status"] == "interrupted", "a killed import does not read as running for ever"
    assert killed["format"] == "ocds release package (gzip)", "the format is recorded whole as soon as it is read"
    problems = json.loads(kscity("imports", "list", "--problems", "--format", "json").stdout)
    assert [r["id"] for r in problems] == [killed["id"]]
    ko = kscity("imports", "list", env=dict(cli_env, KSCITY_LANG="ko")).stdout
    assert "중단됨" in ko and "다시 가져오면" in ko
    p = kscity("ingest", str(big), "--format", "json")
    rep = json.loads(p.stdout)["files"][0]
    assert rep["ingested"] + rep["duplicates"] == len(releases)
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from release").fetchone()[0] == len(releases)
    after = {r["id"]: r for r in json.loads(kscity("imports", "list", "--format", "json").stdout)}
    assert after[killed["id"]]["status"] == "resumed" and after[killed["id"]]["resumed_by"] == rep["import_id"]
    assert after[rep["import_id"]]["status"] == "done"
    assert json.loads(kscity("imports", "list", "--problems", "--format", "json").stdout) == []
    shown = kscity("imports", "show", str(killed["id"])).stdout
    assert f"completed by import {rep['import_id']}" in shown
