"""Reading in a second process while the first stores, links and classifies: the two halves of ingest then use
both cores.

Reading a file (parse, checks, 1.0→1.1 upgrade, Notice, JSON texts for the store) is a pure function of the file,
so a child process does it a batch ahead and sends each batch as `Ready` items: bytes and a small Notice, never a
release dict (pickling those cost what parsing them did). The parent keeps every database write, so a `kill -9`
of the parent leaves the store as consistent as without a worker, and the worker dies with it
(PR_SET_PDEATHSIG, and a watchdog for the moment between its start and the prctl call). If the worker dies, the
parent reads the rest of the file itself, skipping the items it already has.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kscity.ingest import Accepted, FileSummary, Limits, Rejected, read_file
from kscity.services.ingest_ready import Ready, ready_batch

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from kscity.services.opportunity_build import FxTable

_PR_SET_PDEATHSIG = 1
Batch = list[Ready | Rejected]


@dataclass(frozen=True)
class ReadJob:
    """What reading one file needs: its path and the options of read_file."""

    path: Path
    source: str | None
    schema_path: Path | None
    fx: FxTable
    limits: Limits | None
    mapping_path: Path | None
    batch: int


class Batches(Protocol):
    """The batches of one file, read here or in a worker; `summary` is the file's once iteration ends."""

    summary: FileSummary

    def __iter__(self) -> Iterator[Batch]: ...

    def close(self) -> None:
        """Stop reading (idempotent)."""


class LocalBatches:
    """Reading in this process, skipping the first `skip` items (what a dead worker had sent already)."""

    def __init__(self, job: ReadJob, skip: int = 0) -> None:
        self._reader = read_file(job.path, source=job.source, schema_path=job.schema_path, fx=job.fx.lookup,
                                 limits=job.limits, mapping_path=job.mapping_path)
        self._job, self._skip = job, skip
        self.summary = self._reader.summary

    def __iter__(self) -> Iterator[Batch]:
        batch: list[Accepted | Rejected] = []
        for index, item in enumerate(self._reader):
            if index < self._skip:
                continue
            batch.append(item)
            if len(batch) >= self._job.batch:
                yield ready_batch(batch)
                batch = []
        if batch:
            yield ready_batch(batch)
        self.summary = self._reader.summary

    def close(self) -> None:
        self._reader.close()


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies, then watch in case it had died already."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watchdog alone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _serve(parent: int, job: ReadJob, out: Connection) -> None:
    """The worker: read the file, send each batch, then the summary; an unexpected error is sent as text."""
    _die_with(parent)
    try:
        batches = LocalBatches(job)
        for batch in batches:
            out.send(("batch", batch))
        out.send(("done", batches.summary))
    except BrokenPipeError:  # the parent stopped listening
        pass
    except Exception:  # reported to the parent, which reads the file itself
        with contextlib.suppress(OSError):
            out.send(("error", traceback.format_exc()))
    finally:
        out.close()


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


class WorkerBatches:
    """Reading in a child process, one batch ahead of the caller (the pipe holds one batch: backpressure)."""

    def __init__(self, job: ReadJob) -> None:
        ctx = get_context("spawn")  # a fresh interpreter: no inherited database connections or threads
        self._job = job
        self._inbox, outbox = ctx.Pipe(duplex=False)
        self._proc: Any = ctx.Process(target=_serve, args=(os.getpid(), job, outbox), daemon=True,
                                      name="kscity-read")
        with _plain_main():
            self._proc.start()
        outbox.close()
        self.summary = FileSummary(path=str(job.path))
        self.fell_back = ""  # why the parent read (part of) the file itself, if it did

    def __iter__(self) -> Iterator[Batch]:
        received = 0
        while True:
            try:
                kind, body = self._inbox.recv()
            except (EOFError, OSError):
                kind, body = "error", "the reading process ended without a word (killed, or out of memory?)"
            if kind == "batch":
                received += len(body)
                yield body
            elif kind == "done":
                self.summary = body
                break
            else:  # read the rest here: the same reader gives the same items in the same order
                self.fell_back = str(body)
                local = LocalBatches(self._job, skip=received)
                yield from local
                self.summary = local.summary
                break
        self.close()

    def close(self) -> None:
        self._inbox.close()
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(timeout=5)

    @property
    def pid(self) -> int:
        """The worker's process id (tests kill it)."""
        pid: int = self._proc.pid
        return pid
