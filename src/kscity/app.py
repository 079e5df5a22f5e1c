"""The application object: settings, engine, sessions. Built the same way by CLI, web and tests."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kscity.errors import DatabaseUnavailable
from kscity.model.serialize import json_bytes
from kscity.settings import Settings
from kscity.store.packed import dictionary_finder
from kscity.store.packing import add_finder, remove_finder

WAL_TRIES = 300  # 3 s at 10 ms
PAGE_SIZE = 16384
CACHE_KIB = 16384  # SQLite page cache per connection (see sqlite_pragmas)


def sqlite_pragmas(dbapi_conn: object, _record: object = None) -> None:
    """The pragmas of every SQLite connection kscity opens (and bench_ingest_store's replay)."""
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    # 16 KiB pages for a new database (an existing one keeps its own): a release's packed payload (~4 KB) fits in a
    # page instead of spilling to overflow pages, and each frame written to the log carries four times as much.
    # 116,145 releases: ingest 32.7 s -> 29.8-31.0 s, the kernel's share 7.4 s -> 6.1 s (8 KiB: 31.4-32.5 s)
    cur.execute(f"PRAGMA page_size={PAGE_SIZE:d}")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        _to_wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    # 16 MiB of page cache instead of SQLite's 2 MiB: an ingest batch dirties ~10 MB of pages, and with the
    # default the cache spilled mid-transaction and re-read index pages (raw inserts of 20,000 releases' rows:
    # 5.55 s -> 4.35 s); per connection, so a pool of a few stays well inside the memory budget
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB:d}")
    cur.close()


def _to_wal(cur: Any) -> None:
    """Switch a database to WAL. SQLite answers "database is locked" at once, without waiting, when another
    connection is switching the same new file at that moment (ingest's checkpoint thread and the writer's first
    connection did): wait and try again, as a busy timeout would."""
    for attempt in range(WAL_TRIES):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == WAL_TRIES - 1:
                raise
            time.sleep(0.01)


def _json_dumps(value: object) -> str:
    return json_bytes(value).decode()


def _json_loads(text: str | bytes) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # e.g. NaN written by json before
        return json.loads(text)


def make_engine(url: str) -> Engine:
    """Create an engine (JSON columns through orjson); SQLite gets its folder created and sane pragmas."""
    codecs = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **codecs)
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **codecs)


@dataclass
class App:
    """One application: handed to every command, route and service caller."""

    settings: Settings
    engine: Engine = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    _finder: Callable[[int], bytes | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._finder = dictionary_finder(self.engine)
        add_finder(self._finder)  # packed values name their dictionaries, which this database keeps

    def check_database(self) -> None:
        """Fail with one clear error when the database cannot be reached."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            safe_url = self.engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailable(
                f"cannot reach the database at {safe_url}: {str(exc.orig).strip().splitlines()[0]}",
                f"데이터베이스에 연결할 수 없습니다 ({safe_url}): {str(exc.orig).strip().splitlines()[0]}",
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: commit on success, roll back on error."""
        with self.session_factory() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading."""
        with self.session_factory() as session:
            yield session

    def dispose(self) -> None:
        """Release pooled connections."""
        remove_finder(self._finder)
        self.engine.dispose()


def build_app(settings: Settings | None = None) -> App:
    """Build the application from settings (environment by default)."""
    return App(settings or Settings())
