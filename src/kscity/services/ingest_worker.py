"""Reading in a second process while the first stores, links and classifies: the two halves of ingest then use
both cores.

Reading a file (parse, checks, 1.0→1.1 upgrade, Notice, JSON texts for the store) is a pure function of the file,
so a child process does it a batch ahead and sends each batch as `Ready` items written by msgpack (bytes and
plain values: ingest_ready.batch_bytes), never a release dict (pickling those cost what parsing them did). The
parent keeps every database write, so a `kill -9` of the parent leaves the store as consistent as without a
worker, and the worker dies with it (PR_SET_PDEATHSIG, and a watchdog for the moment between its start and the
prctl call). If the worker dies, the parent reads the rest of the file itself, skipping the items it already has.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kscity.ingest import Accepted, FileSummary, Limits, Rejected, read_file
from kscity.model.serialize import json_bytes
from kscity.services.ingest_ready import (
    PLAIN,
    Ready,
    batch_bytes,
    batch_from_bytes,
    packed,
    ready,
    unpacked,
    worked_ahead,
)
from kscity.services.reading_process import ReadingProcess, take_spare
from kscity.store.packing import Packer, train

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from kscity.services.opportunity_view import FxTable

_PR_SET_PDEATHSIG = 1
CHUNK = 100  # items per message from the worker
QUEUE = 20  # chunks the storing process holds at most: 4 batches of 500 items
# a file's first accepted items, whose texts train its zstd dictionaries (store.packing): 0.03 s for 500 releases,
# and then 116,145 releases' database takes 516 MB instead of 838 (its texts held meanwhile: ~6 MB)
TRAIN_ITEMS = 500
Batch = list[Ready | Rejected]
TRIM_ABOVE = 192 * 1024**2  # resident bytes of the reading process above which freed heap pages go back
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def release_memory(above: int = TRIM_ABOVE) -> None:
    """Give the C heap's free pages back to the system (glibc's malloc_trim) when this process holds more than
    `above` bytes: each batch's release texts are freed in the middle of the heap, where they stay counted in the
    resident size. Only above a bound, not after every chunk: trimming every chunk handed back pages that the
    next chunk took again, each a page fault (3.7 µs on this VM). 1 GiB of releases: ~850,000 faults -> ~200,000,
    the kernel's time 7.8-8.2 s -> 6.3-6.6 s, the same peak RSS (331-333 MB: the reading process stays at 121-125
    MB untrimmed)."""
    if _resident() > above:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def _resident() -> int:
    """This process's resident bytes (Linux /proc; 0 elsewhere, where nothing is trimmed)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


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
    name: str | None = None  # how reports name the file (read_file's name)


class Batches(Protocol):
    """The batches of one file, read here or in a worker; `summary` is the file's once iteration ends (its
    format, as read so far, while it runs)."""

    summary: FileSummary
    packer: Packer | None  # the file's dictionaries, from its first batch on: the store keeps them with it

    def __iter__(self) -> Iterator[Batch]: ...

    def close(self) -> None:
        """Stop reading (idempotent)."""


class LocalBatches:
    """Reading in this process, skipping the first `skip` items (what a dead worker had sent already). `ahead`
    says, before each batch goes, whether to work it ahead (worked_ahead) or leave that to the store. `packer`:
    the file's dictionaries (a dead worker's); without it, they are trained on the first TRAIN_ITEMS accepted
    items, and `packer` holds them from the first batch on."""

    def __init__(self, job: ReadJob, skip: int = 0, ahead: Callable[[], bool] = lambda: True,
                 packer: Packer | None = None) -> None:
        self._reader = read_file(job.path, source=job.source, schema_path=job.schema_path, fx=job.fx.lookup,
                                 limits=job.limits, mapping_path=job.mapping_path, name=job.name)
        self._job, self._skip, self._ahead = job, skip, ahead
        self.summary = self._reader.summary
        self.packer = packer

    def _items(self) -> Iterator[Ready | Rejected]:
        """Each item made ready, its texts packed with the file's dictionaries: the first TRAIN_ITEMS accepted
        ones are held, unpacked, until the dictionaries are trained on their texts (a file with fewer than
        packing.MIN_SAMPLES gets none)."""
        items = (item for index, item in enumerate(self._reader) if index >= self._skip)
        if self.packer is None:
            first: list[Ready | Rejected] = []
            accepted = 0
            for item in items:
                first.append(unpacked(item) if isinstance(item, Accepted) else item)
                accepted += isinstance(item, Accepted)
                if accepted >= TRAIN_ITEMS:
                    break
            texts = [i for i in first if isinstance(i, Ready)]
            self.packer = packer = Packer(train([i.payload_packed for i in texts]),
                                          train([i.notice_packed for i in texts]))
            yield from (packed(i, packer) if isinstance(i, Ready) else _held(i) for i in first)
        packer = self.packer
        for item in items:
            yield ready(item, packer) if isinstance(item, Accepted) else _held(item)

    def __iter__(self) -> Iterator[Batch]:
        batch: Batch = []
        for item in self._items():
            batch.append(item)
            if len(batch) >= self._job.batch:
                yield worked_ahead(batch, self.packer or PLAIN, self._job.fx) if self._ahead() else batch
                batch = []
        if batch:
            yield worked_ahead(batch, self.packer or PLAIN, self._job.fx) if self._ahead() else batch
        self.summary = self._reader.summary

    def close(self) -> None:
        self._reader.close()


def _held(item: Rejected) -> Rejected:
    """A rejected item with its payload as JSON text, as the quarantine keeps it."""
    if item.payload is None:
        return item
    return replace(item, payload=None, payload_json=json_bytes(item.payload))


@contextlib.contextmanager
def bulk_gc() -> Iterator[None]:
    """Fewer cyclic-GC passes while ingesting: each release allocates thousands of objects, and at Python's
    default threshold (700) the collector ran 4,400 times per 20,000 releases and scanned the link caches each
    time: 17 % of ingest time (measured 3.3 s of 19.4 s; 0.4 s at 50,000). Ingest makes few cycles, so what
    a pass frees is little; the threshold is restored afterwards. The reading process sets it too (reading
    20,000 releases, the least of four runs each: 10.2 s against 10.7 s). What exists when ingest starts (modules,
    lexicons, the schema's objects) is frozen out of the collector's sight (gc.freeze) until it ends: the passes
    that do run then scan only what ingest made."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies, then watch in case it had died already."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watchdog alone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _pace(backlog: Any) -> Callable[[], bool]:
    """Whether the reading process works its next chunk ahead (worked_ahead): while at least half the queue of
    chunks waits in the storing process (`backlog`, which it keeps up to date), storing is the slower half and
    the chunk is worked here; below half, reading is, and the storing process works out what the chunk lacks
    itself. So the two share that work whichever is the slower on this machine and in this part of the file,
    and the queue stays about half full: neither waits for the other."""
    return lambda: backlog.value >= QUEUE // 2


_BATCH, _OTHER = b"B", b"P"  # how a message from the reading process starts: a batch (batch_bytes), or pickled


def _send(out: Connection, kind: str, body: Any) -> None:
    """One message to the storing process: a batch written by batch_bytes, anything else pickled."""
    if kind == "batch":
        out.send_bytes(batch_bytes(body, _BATCH))
    else:
        out.send_bytes(_OTHER + pickle.dumps((kind, body), protocol=pickle.HIGHEST_PROTOCOL))


def _read(message: bytes) -> tuple[str, Any]:
    """What `_send` sent."""
    view = memoryview(message)
    if view[:1] == _BATCH:
        return "batch", batch_from_bytes(view[1:])
    if view[:1] == _OTHER:
        kind, body = pickle.loads(view[1:])
        return str(kind), body
    raise ValueError(f"a message of unknown kind {bytes(view[:1])!r}")


def serve(parent: int, jobs: Connection, out: Connection, backlog: Any) -> None:
    """The worker (reading_process.ReadingProcess): wait for the job, read the file, send each batch, then the
    summary; an unexpected error is sent as text. Ends quietly when the parent closes the job's pipe unused."""
    _die_with(parent)
    try:
        job: ReadJob = jobs.recv()
    except (EOFError, OSError):
        return
    finally:
        jobs.close()
    try:
        with bulk_gc():
            batches = LocalBatches(job, ahead=_pace(backlog))
            told_packer = False
            told = ""
            for batch in batches:
                if batches.summary.format != told:  # the format as read so far, for the import's record
                    told = batches.summary.format
                    _send(out, "format", told)
                if not told_packer and batches.packer is not None:  # before the first batch packed with it
                    told_packer = True
                    _send(out, "packer", (batches.packer.payload_dictionary, batches.packer.notice_dictionary))
                _send(out, "batch", batch)
                del batch
                release_memory()
            _send(out, "done", batches.summary)
    except BrokenPipeError:  # the parent stopped listening
        pass
    except Exception:  # reported to the parent, which reads the file itself
        with contextlib.suppress(OSError):
            _send(out, "error", traceback.format_exc())
    finally:
        out.close()


class WorkerBatches:
    """Reading in a child process, up to QUEUE chunks ahead of the caller (a bounded queue)."""

    def __init__(self, job: ReadJob) -> None:
        self._job = job
        # started ahead by the command (reading_process.start_spare), or now
        self._reader = take_spare() or ReadingProcess()
        self._inbox, self._proc, self._backlog = self._reader.inbox, self._reader.proc, self._reader.backlog
        # the worker sends chunks of CHUNK items, gathered here into batches: smaller messages, less memory in both
        self._reader.start(replace(job, batch=min(job.batch, CHUNK)))
        # a thread takes the chunks off the pipe as they come, so that the worker reads on while this process is
        # busy with a batch (the pipe alone holds two chunks at most); the queue bounds how far ahead it gets
        self._received: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=QUEUE)
        self._stopped = False
        threading.Thread(target=self._receive, daemon=True, name="kscity-read-inbox").start()
        self.summary = FileSummary(path=job.name or str(job.path))
        self.packer: Packer | None = None  # the file's dictionaries, as the worker trained them
        self.fell_back = ""  # why the parent read (part of) the file itself, if it did

    def __iter__(self) -> Iterator[Batch]:
        received = 0
        pending: Batch = []
        while True:
            kind, body = self._received.get()
            self._backlog.value = self._received.qsize()
            if kind == "format":
                self.summary.format = body
                continue
            if kind == "packer":
                self.packer = Packer(*body)
                continue
            if kind == "batch":
                received += len(body)
                pending += body
                if len(pending) >= self._job.batch:
                    yield pending
                    pending = []
                continue
            if pending:
                yield pending
            if kind == "done":
                self.summary = body
            else:  # read the rest here: the same reader gives the same items in the same order
                self.fell_back = str(body)
                local = LocalBatches(self._job, skip=received, packer=self.packer)
                for batch in local:
                    self.packer = local.packer  # trained here if the worker died before it sent its own
                    yield batch
                self.summary = local.summary
            break
        self.close()

    def _receive(self) -> None:
        while True:
            try:
                kind, body = _read(self._inbox.recv_bytes())
            except (EOFError, OSError):
                kind, body = "error", "the reading process ended without a word (killed, or out of memory?)"
            except Exception as exc:  # a message that cannot be read (decoded) must not end this thread in
                # silence: the ingest would then wait for its next batch for ever
                kind, body = "error", f"a message from the reading process could not be read: {exc!r}"
            while not self._stopped:
                with contextlib.suppress(queue.Full):
                    self._received.put((kind, body), timeout=0.5)
                    self._backlog.value = self._received.qsize()
                    break
            if kind not in ("batch", "format", "packer") or self._stopped:
                return

    def close(self) -> None:
        self._stopped = True  # the receiving thread ends at its next message or at the worker's end
        self._reader.stop()

    @property
    def pid(self) -> int:
        """The worker's process id (tests kill it)."""
        pid: int = self._proc.pid
        return pid

    @property
    def waiting(self) -> int:
        """How many messages have come and wait to be taken: chunks, and the format and summary of the file."""
        waiting: int = self._backlog.value
        return waiting
