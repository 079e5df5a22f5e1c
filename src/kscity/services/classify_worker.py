"""Classification in a second process while a large ingest stores and links: the two halves of ingest then use
both cores. The sentence encoder is the most expensive step of ingest and a pure function of a notice, so it can
run ahead of the store on notices as they are read.

The worker only computes: the parent keeps every database write, so a `kill -9` of the parent leaves the store as
consistent as without a worker, and the worker dies with it (PR_SET_PDEATHSIG, and a watchdog for the moment
between its start and the prctl call). Two queues: work read ahead, and urgent work the parent waits for (views
known only once linked), which the worker takes first, between two chunks of the work read ahead.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import queue
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator, Sequence
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    from kscity.model.opportunity import Classification, Notice

_PR_SET_PDEATHSIG = 1
CHUNK = 100  # notices per job read ahead: urgent work waits for at most one chunk
_POLL = 0.05  # seconds


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies, then watch in case it had died already."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watchdog alone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _classify(notices: list[Notice]) -> list[Classification]:
    from kscity.core.classify import classify_many

    return classify_many(notices)


def _serve(parent: int, jobs: Queue[Any], urgent: Queue[Any], done: Queue[Any], urgent_done: Queue[Any]) -> None:
    _die_with(parent)
    # one BLAS thread: the parent uses the other core, and two threads on two busy cores thrash (measured 4×
    # slower). threadpool_limits acts on the libraries loaded when it is called, hence numpy first
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    from kscity.reference.classification import code_table, text_model

    code_table(), text_model()  # loaded while the parent reads its first batches
    while True:
        try:
            key, notices = urgent.get_nowait()
            urgent_done.put((key, _classify(notices)))
            continue
        except queue.Empty:
            pass
        try:
            key, notices = jobs.get(timeout=_POLL)
        except queue.Empty:
            continue
        if key is None:
            return
        done.put((key, _classify(notices)))


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """While the worker starts, an empty __main__: a spawned child re-imports its parent's main module, which for
    the kscity command is the whole CLI (typer, SQLAlchemy, every command: 50 MB the worker never uses)."""
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = real


class Pending:
    """Classifications of notices sent ahead, fetched when needed (None: the worker died; classify here)."""

    def __init__(self, owner: ClassifierProcess, keys: list[int], notices: list[Notice]) -> None:
        self._owner, self._keys, self.notices = owner, keys, notices

    def result(self) -> list[Classification] | None:
        """Wait for them."""
        out: list[Classification] = []
        for key in self._keys:
            got = self._owner.take(key)
            if got is None:
                return None
            out += got
        return out


class ClassifierProcess:
    """One worker process that classifies notices: `submit` returns at once, `classify` waits."""

    def __init__(self) -> None:
        ctx = get_context("spawn")  # a fresh interpreter: no inherited database connections or threads
        self._jobs, self._urgent, self._done, self._urgent_done = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Queue()
        self._proc = ctx.Process(target=_serve, args=(os.getpid(), self._jobs, self._urgent, self._done,
                                                      self._urgent_done), daemon=True, name="kscity-classify")
        with _plain_main():
            self._proc.start()
        self._keys = itertools.count()
        self._results: dict[int, list[Classification]] = {}

    def submit(self, notices: list[Notice]) -> Pending:
        """Send notices to classify ahead, in chunks."""
        keys = []
        for start in range(0, len(notices), CHUNK):
            keys.append(next(self._keys))
            self._jobs.put((keys[-1], notices[start:start + CHUNK]))
        return Pending(self, keys, notices)

    def take(self, key: int) -> list[Classification] | None:
        """The result of one chunk sent ahead (results come back in order)."""
        while key not in self._results:
            got = self._get(self._done)
            if got is None:
                return None
            self._results[got[0]] = got[1]
        return self._results.pop(key)

    def classify(self, notices: Sequence[Notice]) -> list[Classification]:
        """Classify now, in the worker ahead of the work queued (here if it has died): this process then never
        loads the model."""
        key = next(self._keys)
        self._urgent.put((key, list(notices)))
        got = self._get(self._urgent_done)
        return got[1] if got is not None else _classify(list(notices))

    def _get(self, q: Queue[Any]) -> tuple[int, list[Classification]] | None:
        while True:
            try:
                item: tuple[int, list[Classification]] = q.get(timeout=1.0)
                return item
            except queue.Empty:
                if not self._proc.is_alive():
                    return None

    def close(self) -> None:
        """Stop the worker; work still queued is dropped."""
        if self._proc.is_alive():
            self._jobs.put((None, []))
            self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        for q in (self._jobs, self._urgent, self._done, self._urgent_done):
            q.cancel_join_thread()
            q.close()

    def __enter__(self) -> ClassifierProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
