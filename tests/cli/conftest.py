"""Run the real `kscity` command in a subprocess against a scratch database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment with a fresh SQLite database for the command."""
    env = dict(os.environ)
    env["KSCITY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.pop("KSCITY_LANG", None)
    return env


@pytest.fixture
def kscity(cli_env: dict[str, str]) -> Run:
    """Call kscity with arguments; returns the completed process."""
    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kscity.cli", *args], capture_output=True, text=True,
                              env=env or cli_env, timeout=300)
    return run
