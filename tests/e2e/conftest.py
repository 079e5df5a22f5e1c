"""A live kscity server and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kscity init --sample` then `kscity serve` on a free port; yields the base URL."""
    db = tmp_path_factory.mktemp("e2e") / "kscity.db"
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}", KSCITY_ADMIN_TOKEN="e2e-token")
    init = subprocess.run([sys.executable, "-m", "kscity.cli", "init", "--sample"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    port = _free_port()
    log = (db.parent / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "kscity.cli", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the kscity server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium; fails (not skips) when it is missing: `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page per test."""
    ctx = browser.new_context()  # type: ignore[attr-defined]
    p = ctx.new_page()
    yield p
    ctx.close()
