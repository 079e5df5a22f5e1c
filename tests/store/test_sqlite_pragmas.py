"""Every SQLite connection kscity opens is in WAL mode, however many open a new database file at the same moment."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from kscity.app import PAGE_SIZE, sqlite_pragmas


def _open_together(db: Path, count: int) -> list[BaseException | str]:
    """What `count` threads got from opening the same new file at once: the journal mode, or the error."""
    barrier = threading.Barrier(count)
    got: list[BaseException | str] = []

    def open_one() -> None:
        conn = sqlite3.connect(db, timeout=30, check_same_thread=False)
        try:
            barrier.wait()
            sqlite_pragmas(conn)
            got.append(conn.execute("PRAGMA journal_mode").fetchone()[0])
        except sqlite3.Error as exc:
            got.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=open_one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def test_connections_opening_a_new_file_together_all_get_wal(tmp_path: Path) -> None:
    for n in range(40):
        got = _open_together(tmp_path / f"k{n}.db", 4)
        assert got == ["wal"] * 4, got


def test_a_new_database_gets_large_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    made = sqlite3.connect(old)
    made.execute("CREATE TABLE t (x)")  # SQLite's default page size, fixed once the file has a table
    made.close()
    for db in (new, old):
        conn = sqlite3.connect(db)
        sqlite_pragmas(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS u (x)")
        conn.commit()
        conn.close()
    sizes = {db.name: sqlite3.connect(db).execute("PRAGMA page_size").fetchone()[0] for db in (new, old)}
    assert sizes == {"new.db": PAGE_SIZE, "old.db": 4096}
