"""The reading process of an ingest (services.ingest_worker), started before it has its job, so that its start
overlaps the storing process's own.

A spawned interpreter takes ~0.3 s to start and import what reading needs, and the storing process then waited for
its first batch all that time. The `kscity ingest` command starts one here as soon as it knows that a file is large
enough to be read aside, before it imports the database's modules, opens the store and reads the exchange rates
(~0.6 s); the first file's reading then begins as soon as its job is sent. This module imports nothing heavy, so
that starting early costs the command nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import types
from collections.abc import Iterable, Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# below this much input, starting the reading process (a fresh interpreter and its imports) costs more than it saves
WORKER_MIN_BYTES = 16 * 1024**2
PIPE_BYTES = 1024 * 1024


def _widen(pipe: Connection) -> None:
    """Make the pipe hold a whole chunk (Linux: up to /proc/sys/fs/pipe-max-size, 1 MiB by default; a chunk
    is written in about 360 KB). With the default 64 KiB, the worker's send blocked until this process's receiving
    thread had read the chunk in eight pieces, each waiting for the GIL, which the storing thread holds: the
    worker waited 2.8 s per 20,000 releases with the queue nearly empty."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """While the worker starts, an empty __main__: a spawned child re-imports its parent's main module, which for
    the kscity command is the whole CLI (typer, every command: memory and start time the worker never uses)."""
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = real


def _run(parent: int, jobs: Connection, out: Connection, backlog: Any) -> None:
    """The reading process: import the reader while the parent prepares, then read the job it is sent."""
    from kscity.services.ingest_worker import serve  # here, in the child: the parent stays light until it needs it

    serve(parent, jobs, out, backlog)


class ReadingProcess:
    """A spawned reading process waiting for its job, the pipe its batches come back on, and the count of chunks
    waiting in the storing process, which it reads to share the work (ingest_worker._pace)."""

    def __init__(self) -> None:
        ctx = get_context("spawn")  # a fresh interpreter: no inherited database connections or threads
        self.inbox, outbox = ctx.Pipe(duplex=False)
        _widen(self.inbox)
        jobs_in, self._jobs = ctx.Pipe(duplex=False)
        self.backlog: Any = ctx.RawValue("i", 0)
        self.proc: Any = ctx.Process(target=_run, args=(os.getpid(), jobs_in, outbox, self.backlog), daemon=True,
                                     name="kscity-read")
        with _plain_main():
            self.proc.start()
        outbox.close()
        jobs_in.close()

    def start(self, job: object) -> None:
        """Send the process its job (a ReadJob): it starts reading. A process that died meanwhile says so on its
        pipe of batches, and the ingest reads the file itself (ingest_worker.WorkerBatches)."""
        with contextlib.suppress(OSError):
            self._jobs.send(job)
        self._jobs.close()

    def stop(self) -> None:
        """End the process (idempotent)."""
        self._jobs.close()
        self.inbox.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)


_spare: ReadingProcess | None = None


def start_spare(paths: Iterable[str | Path]) -> None:
    """Start a reading process now, for the first of these files, when there are two cores and the files hold at
    least WORKER_MIN_BYTES (folders counted whole): the ingest takes it (take_spare) instead of starting one."""
    global _spare  # one spare per process: the command runs one ingest
    if _spare is not None or (os.cpu_count() or 1) < 2 or _size(paths) < WORKER_MIN_BYTES:
        return
    _spare = ReadingProcess()


def take_spare() -> ReadingProcess | None:
    """The reading process started ahead, if one waits (it is then the caller's)."""
    global _spare
    spare, _spare = _spare, None
    return spare if spare is not None and spare.proc.is_alive() else None


def drop_spare() -> None:
    """End a reading process started ahead that no ingest took (its files turned out not to be read aside)."""
    spare = take_spare()
    if spare is not None:
        spare.stop()


def _size(paths: Iterable[str | Path]) -> int:
    total = 0
    for raw in paths:
        path = Path(raw)
        with contextlib.suppress(OSError):
            total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else \
                path.stat().st_size
        if total >= WORKER_MIN_BYTES:
            break
    return total
