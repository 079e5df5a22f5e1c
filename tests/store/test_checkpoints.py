"""While ingest writes, a thread checkpoints SQLite's log: the writer's connections skip the automatic checkpoint,
the log still reaches the database file, and everything is as before once the last user leaves."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from kscity.app import make_engine
from kscity.store import checkpoints
from kscity.store.checkpoints import checkpoints_aside


def _auto_pages(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def _write(engine: Engine, rows: int) -> float:
    """Write `rows` rows of 4,000 bytes in one transaction; returns the moment just before it commits."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)"))
        conn.execute(text("INSERT INTO t (body) VALUES (randomblob(4000))"), [{}] * rows)
        return time.monotonic()


def _database_with_a_row(tmp_path: Path) -> tuple[Path, Engine]:
    """A new database file, its engine, and table t with one row (the file then exists, in WAL mode)."""
    db = tmp_path / "k.db"
    engine = make_engine(f"sqlite:///{db}")
    _write(engine, 1)
    return db, engine


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_log_reaches_the_database_file_while_the_writer_skips_checkpoints(tmp_path: Path) -> None:
    db, engine = _database_with_a_row(tmp_path)
    start = db.stat().st_size
    with checkpoints_aside(engine):
        assert _auto_pages(engine) == 0
        # 2,000 pages: past the automatic threshold (1,000), which the writer's commit would have checkpointed
        _write(engine, 2000)
        assert _wait_for(lambda: db.stat().st_size > start + 2000 * 4000), "the thread copied the log"
    assert _auto_pages(engine) == 1000
    assert not any(t.name == "kscity-checkpoint" for t in threading.enumerate())
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM t").fetchone() == (2001,)
    busy, log, done = check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == done  # nothing left behind in the log
    check.close()
    engine.dispose()


def test_without_it_the_writer_would_not_have_copied_the_log(tmp_path: Path) -> None:
    """The test above shows the thread's work, not SQLite's own: with automatic checkpoints off and no thread,
    the database file stays as it was."""
    db, engine = _database_with_a_row(tmp_path)
    start = db.stat().st_size
    with engine.begin() as conn:
        conn.execute(text("PRAGMA wal_autocheckpoint=0"))
        conn.execute(text("INSERT INTO t (body) VALUES (randomblob(4000))"), [{}] * 2000)
    time.sleep(0.5)
    assert db.stat().st_size == start
    engine.dispose()


ROWS, COMMITS = 1000, 15  # each commit ~4 MB of log: more than a checkpoint copies in the pause after it


class _Watched(sqlite3.Connection):
    """The checkpoint thread's connection, noting when each of its looks at the log starts."""

    starts: list[float]

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("PRAGMA wal_checkpoint"):
            self.starts.append(time.monotonic())
        return super().execute(sql, *args)


def _largest_log(db: Path, engine: Engine, restart_bytes: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """The largest the log file grows while COMMITS transactions of ROWS pages each commit, as ingest's do: the next
    one starts the moment the thread has begun its look after the last commit, too soon for a copy to have ended.
    Waiting for that look, rather than a fixed pause, keeps the test the same on a loaded machine."""
    starts: list[float] = []
    watched = type("Watched", (_Watched,), {"starts": starts})

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return sqlite3.connect(*args, **kwargs, factory=watched)

    monkeypatch.setattr(checkpoints, "sqlite3", SimpleNamespace(
        connect=connect, OperationalError=sqlite3.OperationalError, Error=sqlite3.Error))
    wal = db.with_name(db.name + "-wal")
    largest = 0
    with checkpoints_aside(engine, restart_bytes=restart_bytes):
        for _ in range(COMMITS):
            committing = _write(engine, ROWS)
            largest = max(largest, wal.stat().st_size)
            assert _wait_for(lambda c=committing: any(t > c for t in starts), 10), "the thread looks after a commit"
    return largest


def test_the_log_starts_again_once_it_is_long_instead_of_growing_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, engine = _database_with_a_row(tmp_path)
    written = ROWS * COMMITS * 4096  # at least: a page per row
    largest = _largest_log(db, engine, (ROWS + ROWS // 2) * 4096, monkeypatch)
    assert largest < written / 3, f"the log reached {largest:,} bytes of {written:,} written"
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM t").fetchone() == (ROWS * COMMITS + 1,)
    check.close()
    engine.dispose()


def test_without_restarts_the_log_would_grow_with_what_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bound above is the restarts' work: with copying alone (PASSIVE), SQLite starts the log again only when
    the writer starts a transaction after a copy has ended, and a writer that starts before (ingest's writer is the
    busier process) lets the log grow with what is written. On an idle fast machine a copy ends first in some runs
    (2026-11-29: 2 runs in 8 of a single try), so the log is asked to outgrow the bound in one of five tries."""
    largest = []
    for attempt in range(5):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        db, engine = _database_with_a_row(folder)
        largest.append(_largest_log(db, engine, 10**12, monkeypatch))
        engine.dispose()
        if largest[-1] > ROWS * COMMITS * 4096 / 3:
            return
    pytest.fail(f"the log stayed under the bound in every try without restarts: {largest}")


def test_nested_and_concurrent_uses_share_one_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")

    def threads() -> int:
        return sum(t.name == "kscity-checkpoint" for t in threading.enumerate())

    with checkpoints_aside(engine):
        with checkpoints_aside(engine):
            assert threads() == 1 and _auto_pages(engine) == 0
        assert threads() == 1 and _auto_pages(engine) == 0, "the outer use still runs"
    assert threads() == 0 and _auto_pages(engine) == 1000
    engine.dispose()


def test_other_databases_are_left_alone(tmp_path: Path) -> None:
    for url in ("postgresql+psycopg://nobody@127.0.0.1:1/none", "sqlite://"):
        engine = create_engine(url)
        with checkpoints_aside(engine):  # connects to nothing, starts nothing
            assert not any(t.name == "kscity-checkpoint" for t in threading.enumerate())


def _cache_kib(conn: Connection) -> int:
    """A connection's page cache in KiB (SQLite gives a size in KiB as a negative number)."""
    return -int(conn.execute(text("PRAGMA cache_size")).scalar_one())


def test_the_writer_gets_a_larger_page_cache_only_while_ingest_writes(tmp_path: Path) -> None:
    from kscity.app import CACHE_KIB
    from kscity.store.checkpoints import WRITER_CACHE_KIB

    _db, engine = _database_with_a_row(tmp_path)
    assert WRITER_CACHE_KIB > CACHE_KIB
    with engine.connect() as conn:
        assert _cache_kib(conn) == CACHE_KIB
    with checkpoints_aside(engine):
        with engine.connect() as conn:
            assert _cache_kib(conn) == WRITER_CACHE_KIB
        _write(engine, 10)
    with engine.connect() as conn:  # the same pooled connection, given back its usual cache
        assert _cache_kib(conn) == CACHE_KIB
    engine.dispose()
