"""Whether an import's process still runs it: this process, an ended one, a reused pid, another host."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kscity.services.import_runner import STALE, runner_alive, this_runner

NOW = datetime(2026, 11, 27, 12, 0)


def test_this_process_runs() -> None:
    assert runner_alive(this_runner(), None, NOW)


def test_an_ended_process_does_not() -> None:
    child = subprocess.run([sys.executable, "-c", "from kscity.services.import_runner import this_runner; "
                            "print(this_runner())"], capture_output=True, text=True, check=True)
    assert not runner_alive(child.stdout.strip(), NOW, NOW)  # however recent its last progress


def test_a_reused_process_id_is_not_the_same_process() -> None:
    host, boot, pid, start = this_runner().split("|")
    assert pid == str(os.getpid())
    if start:  # Linux: the start time tells a reused id from the process that recorded it
        assert not runner_alive(f"{host}|{boot}|{pid}|{int(start) - 1}", NOW, NOW)


def test_an_import_from_before_this_hosts_restart_is_not_running() -> None:
    host, boot, pid, start = this_runner().split("|")
    if boot:  # Linux: the kernel's boot id
        assert not runner_alive(f"{host}|another-boot|{pid}|{start}", NOW, NOW)  # however recent its progress


def test_an_import_recorded_before_runners_were_is_not_running() -> None:
    assert not runner_alive(None, NOW, NOW)
    assert not runner_alive("", NOW, NOW)


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)))
def test_another_hosts_import_runs_while_it_makes_progress(since: timedelta) -> None:
    runner = "another-host|some-boot|1234|999"
    assert runner_alive(runner, NOW - since, NOW) == (since < STALE)
    assert not runner_alive(runner, None, NOW)
