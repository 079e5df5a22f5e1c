"""Read + normalise throughput of kscity.ingest.read_file vs orjson-only parsing of the same bytes, with peak RSS.

Builds a release package by repeating the shared OCDS releases (Portugal, UK, Ukraine, Mexico) under new
ocids, then times (a) orjson.loads on the whole file with the GC off (the floor: parsing only) and (b) read_file over it
(streaming parse, checks, 1.0→1.1 upgrade, Notice), the latter in a child process so its peak RSS is its own.
Run alone: .venv/bin/python bench/bench_ingest_read.py [--quick]
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

SHARED = Path(os.environ.get("KSCITY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FOLDERS = [
    "portugal",
    "uk-contracts-finder/sample/releases",
    "ukraine/sample/releases",
    "mexico/grupo-aeroportuario/sample/releases",
]


def _base_releases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for folder in FOLDERS:
        for path in sorted((SHARED / "ocds" / folder).glob("*.json")):
            data = orjson.loads(path.read_bytes())
            for item in data if isinstance(data, list) else [data]:
                out.extend(item.get("releases", [item]))
    return [r for r in out if isinstance(r, dict) and r.get("ocid")]


def build(path: Path, count: int, min_bytes: int = 0) -> int:
    """Write a release package of at least `count` releases and `min_bytes` bytes (shared releases repeated under
    new ocids); returns how many releases it holds. Each copy's tender title and description carry the copy's
    number, so that no copy is a text kscity has seen: ingest remembers recent texts (classification, pair
    scores), and exact repeats would measure those memos, not the work."""
    base = _base_releases()
    with open(path, "wb") as out:
        out.write(b'{"uri": "bench", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1", "releases": [')
        index = 0
        while index < count or out.tell() < min_bytes:
            copy = index // len(base)
            release = dict(base[index % len(base)])
            release["ocid"] = f"{release['ocid']}-x{copy}"
            if isinstance(release.get("tender"), dict):
                tender = release["tender"] = dict(release["tender"])
                for key in ("title", "description"):
                    if isinstance(tender.get(key), str):
                        tender[key] = f"{tender[key]} ({copy})"
            out.write((b"," if index else b"") + orjson.dumps(release))
            index += 1
        out.write(b"]}")
    return index


def parse_gc_off(path: Path, count: int) -> float:
    """Seconds orjson takes to parse the file of `count` releases, the floor of every ingest bench. The GC is off:
    with it on, the collector re-scanning the growing document takes most of the time."""
    data = path.read_bytes()
    gc.disable()
    try:
        started = time.perf_counter()
        parsed = orjson.loads(data)
        seconds = time.perf_counter() - started
    finally:
        gc.enable()
    assert len(parsed["releases"]) == count
    return seconds


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss would carry over the parent's peak across fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: str) -> None:
    from kscity.ingest import Accepted, read_file

    started = time.perf_counter()
    accepted = rejected = 0
    for item in read_file(path, fx=lambda currency, year: 1.0):
        if isinstance(item, Accepted):
            accepted += 1
        else:
            rejected += 1
    seconds = time.perf_counter() - started
    rss_mb = _peak_rss_mb()
    print(json.dumps({"accepted": accepted, "rejected": rejected, "seconds": seconds, "rss_mb": rss_mb}))


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Measure and return the rows {figure, value, unit, baseline, ratio, target, ok}."""
    count = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.json"
        build(path, count)
        size_mb = path.stat().st_size / 1e6
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        floor_seconds = parse_gc_off(path, count)
    ours = (result["accepted"] + result["rejected"]) / result["seconds"]
    floor = count / floor_seconds
    return [
        {
            "figure": f"read_file releases/s ({count:,} releases, {size_mb:,.0f} MB) vs orjson.loads (GC off)",
            "value": round(ours),
            "unit": "releases/s",
            "baseline": round(floor),
            "ratio": round(ours / floor, 3),
            "target": 0.25,
            "ok": ours / floor >= 0.25,
        },
        {
            "figure": "read_file peak RSS (child process)",
            "value": round(result["rss_mb"]),
            "unit": "MB",
            "baseline": round(size_mb),
            "ratio": round(result["rss_mb"] / size_mb, 3),
            "target": 400,
            "ok": result["rss_mb"] < 400,
        },
    ]


def main() -> None:
    """Print the table."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    rows = run(quick="--quick" in sys.argv)
    print(f"{'figure':72} {'value':>10} {'unit':>11} {'baseline':>10} {'ratio':>7} {'target':>7} ok")
    for row in rows:
        print(
            f"{row['figure']:72} {row['value']:>10} {row['unit']:>11} {row['baseline']:>10} "
            f"{row['ratio']:>7} {row['target']:>7} {row['ok']}"
        )


if __name__ == "__main__":
    main()
