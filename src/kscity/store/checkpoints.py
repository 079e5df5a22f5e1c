"""While ingest writes to SQLite, WAL checkpoints run in a thread of their own instead of inside the writer's commits.

A checkpoint copies the write-ahead log into the database file and syncs both to disk. By default SQLite runs one
inside the commit that takes the log past 1,000 pages, which with ingest's batches is nearly every commit, and the
writer waits for the disk: 116,145 releases spent 38.7 s in commits of which 13.9 s were CPU, against 0.7 s in
all for 20,000 with synchronous=OFF (not safe; only to find the wait). Here the writer's connections skip the
automatic checkpoint, and a thread with its own connection checkpoints (PASSIVE: never blocking the writer) as
the log grows, while the writer goes on with its next batch; sqlite3 releases the GIL while it works. Durability
and crash safety are SQLite's own in WAL mode: a checkpoint only moves committed pages, whoever runs it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

from kscity.app import CACHE_KIB, sqlite_pragmas

AUTO_PAGES = 1000  # SQLite's default wal_autocheckpoint, restored when a connection goes back to the pool
# page cache of the connections checked out while ingest writes (restored to app.CACHE_KIB on checkin): a commit
# touches pages all over the link-key, release and opportunity indexes, and with 16 MiB SQLite evicted and read
# them again (pread) within each transaction. 116,145 releases, four alternated pairs of runs: the kernel's time
# 7.7-8.9 s -> 5.7-6.3 s, for 16 MB more of peak RSS (331 -> 347 MB). 64 MiB since the reading process starts
# without the database's modules (peak RSS 351 -> 312 MB): the storing process's kernel time 3.36-3.47 s ->
# 2.24-2.38 s (1 GiB, two alternated pairs), its RSS 200 -> 235 MB
WRITER_CACHE_KIB = 65536
EVERY_S = 0.05  # how often the thread looks at the log; a look with nothing to copy reads a header only
RESTART_BYTES = 64 * 1024**2  # a log this long is started again at the next chance


@dataclass
class _Running:
    """One engine's checkpointing thread, the event that stops it, and how many ingests use it."""

    thread: threading.Thread
    stop: threading.Event
    checked_in: Callable[[Any, Any], None]  # the pool's checkin listener: restores the automatic checkpoint, nudges
    users: int = 1


_lock = threading.Lock()
_running: dict[int, _Running] = {}


def _writing(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """A connection checked out while ingest writes: no automatic checkpoint, the writer's page cache."""
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")
    dbapi_conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB:d}")


def _not_writing(dbapi_conn: Any) -> None:
    """A connection back in the pool: SQLite's automatic checkpoint and kscity's usual page cache again."""
    if dbapi_conn is not None:  # None: the connection was invalidated
        with contextlib.suppress(sqlite3.Error):
            dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={AUTO_PAGES}")
            dbapi_conn.execute(f"PRAGMA cache_size=-{CACHE_KIB:d}")


def _checkpoint_loop(database: str, stop: threading.Event, nudge: threading.Event, restart_bytes: int) -> None:
    conn = sqlite3.connect(database, timeout=30, check_same_thread=False, isolation_level=None)
    try:
        sqlite_pragmas(conn)
        conn.execute("PRAGMA busy_timeout=0")  # a RESTART that finds the writer busy does what PASSIVE does at once
        restart_pages = restart_bytes // conn.execute("PRAGMA page_size").fetchone()[0]
        log = 0
        while not stop.is_set():
            nudge.wait(EVERY_S)
            nudge.clear()
            mode = "RESTART" if log > restart_pages else "PASSIVE"
            with contextlib.suppress(sqlite3.OperationalError):  # busy: the next look tries again
                busy, log, _copied = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
                if mode == "RESTART" and not busy:
                    log = 0
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        conn.close()


def _database(engine: Engine) -> str | None:
    """The SQLite file of an engine, or None (another database, or one in memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return database if database and database != ":memory:" and not database.startswith("file:") else None


@contextlib.contextmanager
def checkpoints_aside(engine: Engine, restart_bytes: int = RESTART_BYTES) -> Iterator[None]:
    """Checkpoint a SQLite engine's log in a background thread while the block runs (nothing for other
    databases). Nested and concurrent uses share one thread; the last to leave stops it, after a last
    checkpoint, and connections checked in from then on checkpoint automatically again."""
    database = _database(engine)
    if database is None:
        yield
        return
    key = id(engine)
    with _lock:
        run = _running.get(key)
        if run is None:
            stop, nudge = threading.Event(), threading.Event()

            def checked_in(dbapi_conn: Any, _record: Any) -> None:
                _not_writing(dbapi_conn)
                nudge.set()  # the writer has just ended a transaction: the moment to copy, or to start the log again

            thread = threading.Thread(target=_checkpoint_loop, args=(database, stop, nudge, restart_bytes),
                                      daemon=True, name="kscity-checkpoint")
            run = _running[key] = _Running(thread, stop, checked_in)
            event.listen(engine, "checkout", _writing)
            event.listen(engine, "checkin", checked_in)
            thread.start()
        else:
            run.users += 1
    try:
        yield
    finally:
        with _lock:
            run.users -= 1
            last = run.users == 0
            if last:
                del _running[key]
                event.remove(engine, "checkout", _writing)
                event.remove(engine, "checkin", run.checked_in)
        if last:
            run.stop.set()
            run.thread.join()
