"""Which process runs an import, and whether it still does.

An import commits batch by batch, so a `kill -9` (or a crash, or a server stopped mid-upload) leaves its record
marked running, and nothing else would ever change it. Each import therefore records its runner: the host, the
kernel's boot id, the process id and the process's start time, which together name one process even after its
id is reused. On the same host the process table answers whether it still runs (and after a restart of the host,
it does not); for an import run elsewhere, one that has committed nothing for STALE is taken as interrupted.
"""

from __future__ import annotations

import contextlib
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

STALE = timedelta(hours=1)  # a batch commits within seconds; an hour without one is not a slow import


def _boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return ""


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22); None when it does not
    exist, "" where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else ""
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # fields after the command name, which may hold spaces


def this_runner() -> str:
    """This process, as an import records its runner."""
    pid = os.getpid()
    return f"{socket.gethostname()}|{_boot_id()}|{pid}|{_start_time(pid) or ''}"


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def runner_alive(runner: str | None, progress_at: datetime | None, now: datetime) -> bool:
    """Whether the process an import recorded may still be running it. An import recorded before runners were
    (runner None) is not."""
    if not runner:
        return False
    host, boot, pid_text, start = [*runner.split("|", 3), "", "", ""][:4]
    if host == socket.gethostname():
        if boot and _boot_id() and boot != _boot_id():
            return False  # this host has restarted since
        if pid_text.isdigit():
            pid = int(pid_text)
            return _start_time(pid) == start if start else _pid_exists(pid)
    return progress_at is not None and now - progress_at < STALE
