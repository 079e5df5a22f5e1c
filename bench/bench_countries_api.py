"""/api/countries/{iso3} p50/p95 under 16 concurrent clients vs /healthz of the same server (ratio; ≤ 2×)."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

CLIENTS = 16
ISO3 = ["KEN", "VNM", "NLD", "IRQ", "PER", "IDN", "MYS", "COL", "USA", "BRA", "IND", "UZB"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(base: str, paths: list[str], per_client: int) -> list[float]:
    lat: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as c:
        async def one(k: int) -> None:
            for i in range(per_client):
                t = time.perf_counter()
                r = await c.get(paths[(k + i) % len(paths)])
                lat.append(time.perf_counter() - t)
                assert r.status_code == 200
        await asyncio.gather(*(one(k) for k in range(CLIENTS)))
    return lat


def _pct(xs: list[float], p: float) -> float:
    return statistics.quantiles(xs, n=100)[int(p) - 1] * 1000


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Start a server on a scratch database, load it, measure both endpoints."""
    per_client = 10 if quick else 40
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{Path(d) / 'b.db'}")
        subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
        port = _port()
        proc = subprocess.Popen([sys.executable, "-m", "kscity.cli", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            asyncio.run(_load(base, ["/healthz"], 5))  # warm-up
            asyncio.run(_load(base, [f"/api/countries/{c}" for c in ISO3], 3))
            health = asyncio.run(_load(base, ["/healthz"], per_client))
            country = asyncio.run(_load(base, [f"/api/countries/{c}" for c in ISO3], per_client))
        finally:
            proc.terminate()
            proc.wait()
    h50, h95, c50, c95 = _pct(health, 50), _pct(health, 95), _pct(country, 50), _pct(country, 95)
    return [
        {"figure": "/healthz p50 (16 clients)", "value": h50, "unit": "ms"},
        {"figure": "/healthz p95 (16 clients)", "value": h95, "unit": "ms"},
        {"figure": "/api/countries/{iso3} p50", "value": c50, "unit": "ms", "baseline": h50, "ratio": c50 / h50},
        {"figure": "/api/countries/{iso3} p95", "value": c95, "unit": "ms", "baseline": h95, "ratio": c95 / h95,
         "target": "≤ 2× healthz p95", "ok": c95 / h95 <= 2.0},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
