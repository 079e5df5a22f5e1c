"""Classification in a second process while a large ingest stores and links: the two halves of ingest then use
both cores. The sentence encoder is the most expensive step of ingest and a pure function of a notice, so it can
run ahead of the store on notices as they are read.

The worker only computes: the parent keeps every database write, so a `kill -9` of the parent leaves the store as
consistent as without a worker, and the worker dies with it (PR_SET_PDEATHSIG, and a watchdog for the moment
between its start and the prctl call).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the worker must not import numpy before _start sets its thread count
    from kscity.model.opportunity import Classification, Notice

_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies, then check it had not died already."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watchdog alone
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _start(parent: int) -> None:
    _die_with(parent)
    # one BLAS thread: the parent uses the other core; two threads each would fight for both
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    from kscity.reference.classification import code_table, text_model

    code_table(), text_model()  # loaded while the parent reads its first batch


def _classify(notices: list[Notice]) -> list[Classification]:
    from kscity.core.classify import classify_many

    return classify_many(notices)


class ClassifierProcess:
    """One worker process that classifies batches of notices; `submit` returns at once."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_start,
                                         initargs=(os.getpid(),))

    def submit(self, notices: list[Notice]) -> Future[list[Classification]]:
        """Classify these notices (the `classify_many` of the parent would give the same)."""
        return self._pool.submit(_classify, notices)

    def close(self) -> None:
        """Stop the worker; pending batches are dropped."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ClassifierProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
