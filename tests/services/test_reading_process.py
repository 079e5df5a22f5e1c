"""A reading process started before the ingest knows its job is the one the ingest uses, and ends if unused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from kscity.services import reading_process
from kscity.services.ingest_worker import LocalBatches, ReadJob, WorkerBatches
from kscity.services.opportunity_view import FxTable
from kscity.services.reading_process import drop_spare, start_spare, take_spare


@pytest.fixture(autouse=True)
def _no_spare_left() -> object:
    yield
    drop_spare()


def _items(batches: object) -> list[tuple[str, str]]:
    return [(i.ocid, i.content_hash) for b in batches for i in b]  # type: ignore[attr-defined]


def test_a_spare_started_for_a_large_file_reads_it(file_1500: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_process, "WORKER_MIN_BYTES", file_1500.stat().st_size)
    start_spare([file_1500])
    spare = reading_process._spare
    assert spare is not None and spare.proc.is_alive()
    job = ReadJob(file_1500, None, None, FxTable({}), None, None, 500)
    worker = WorkerBatches(job)
    assert worker.pid == spare.proc.pid, "the ingest took the process started ahead instead of starting one"
    assert take_spare() is None
    assert _items(worker) == _items(LocalBatches(job)) and not worker.fell_back


def test_no_spare_below_the_size_or_for_missing_paths(file_1500: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_process, "WORKER_MIN_BYTES", file_1500.stat().st_size + 1)
    start_spare([file_1500, tmp_path / "missing.json", "--source"])
    assert take_spare() is None
    # a folder counts with the files in it
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.json").write_bytes(b"x")
    start_spare([file_1500, tmp_path / "more"])
    spare = take_spare()
    assert spare is not None
    spare.stop()


def test_an_unused_spare_ends_quietly(file_1500: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_process, "WORKER_MIN_BYTES", 1)
    start_spare([file_1500])
    spare = reading_process._spare
    assert spare is not None
    drop_spare()
    assert not spare.proc.is_alive()
    assert take_spare() is None


def test_a_spare_told_nothing_exits_without_error(file_1500: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job's pipe closed unused (the ingest ended before it needed the process): the process ends by itself,
    exit code 0, having read nothing."""
    monkeypatch.setattr(reading_process, "WORKER_MIN_BYTES", 1)
    start_spare([file_1500])
    spare = take_spare()
    assert spare is not None
    spare._jobs.close()
    spare.proc.join(timeout=30)
    assert spare.proc.exitcode == 0
    with pytest.raises(EOFError):  # it sent nothing
        spare.inbox.recv()


def test_a_spare_that_died_is_not_taken(file_1500: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_process, "WORKER_MIN_BYTES", 1)
    start_spare([file_1500])
    spare = reading_process._spare
    assert spare is not None
    spare.proc.kill()
    spare.proc.join(timeout=30)
    assert take_spare() is None


def test_the_command_starts_the_reading_process_before_loading_itself(file_1500: Path, tmp_path: Path) -> None:
    """`kscity ingest` of a large file: the reading process is running before the CLI's modules are imported
    (SQLAlchemy among them), and the ingest reads the file through it."""
    probe = (
        "import sys, time\n"
        "from kscity.services import reading_process\n"
        "reading_process.WORKER_MIN_BYTES = 1\n"
        "import kscity.cli.start as start\n"
        "real = reading_process.start_spare\n"
        "def watched(paths):\n"
        "    real(paths)\n"
        "    print('spare', reading_process._spare is not None, 'sqlalchemy' in sys.modules, flush=True)\n"
        "reading_process.start_spare = watched\n"
        f"sys.argv = ['kscity', 'ingest', {str(file_1500)!r}, '--format', 'json']\n"
        "start.main()\n"
    )
    env = {"KSCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "spare True False", done.stdout  # before SQLAlchemy (the command asks again: no second)
    report = "\n".join(line for line in lines if not line.startswith("spare "))
    assert orjson.loads(report)["files"][0]["ingested"] == 1500, done.stdout
