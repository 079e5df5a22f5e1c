"""Updates to known ocids: the cost of ingesting one more release per ocid as the ocids' histories grow.

Builds a release package of shared releases under new ocids, then update files that each add one release per
ocid (a later id, the same date). Ingests them in turn into a fresh SQLite database twice in the same run:
(a) as kscity does, extending the compiled release each linked ocid keeps (notice_link.compiled), and (b) the
baseline, with the kept compiled releases dropped before each update, so that every update compiles each ocid
from its first release (what kscity did before migration 0010; it then also writes the compiled release it would
keep). Ratios: (b) / (a) per update; and (a)'s last update against its first (what is left grows with the database,
5,000 more releases per update, not with each ocid's history).
Run alone: .venv/bin/python bench/bench_ingest_updates.py [--quick]
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_read import build


def _files(folder: Path, ocids: int, updates: int) -> list[Path]:
    first = folder / "h0.json"
    build(first, ocids)
    base = orjson.loads(first.read_bytes())
    files = [first]
    for step in range(1, updates + 1):
        pkg = dict(base, releases=[dict(r, id=f"{r.get('id')}-u{step}") for r in base["releases"]])
        for r in pkg["releases"]:
            if isinstance(r.get("tender"), dict):
                r["tender"] = dict(r["tender"], title=f"{r['tender'].get('title') or ''} (update {step})")
        files.append(folder / f"h{step}.json")
        files[-1].write_bytes(orjson.dumps(pkg))
    return files


def _ingest_each(files: list[Path], db: Path, forget: bool) -> list[float]:
    """Seconds of `kscity ingest` per file; with `forget`, the kept compiled releases are dropped before each."""
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}")
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    seconds = []
    for path in files:
        if forget:
            with sqlite3.connect(db) as conn:
                conn.execute("UPDATE notice_link SET compiled = NULL")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kscity.cli", "ingest", str(path), "--format", "json"], env=env,
                       check=True, capture_output=True)
        seconds.append(time.perf_counter() - t)
    return seconds


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Both ways in one run; each update file's time, and the ratios."""
    ocids, updates = (500, 3) if quick else (5_000, 6)
    with tempfile.TemporaryDirectory() as d:
        files = _files(Path(d), ocids, updates)
        kept = _ingest_each(files, Path(d) / "kept.db", forget=False)
        again = _ingest_each(files, Path(d) / "again.db", forget=True)
    rows: list[dict[str, Any]] = []
    for step in range(1, updates + 1):
        rows.append({"figure": f"update {step} ({step + 1} releases per ocid, {ocids:,} ocids): extend the kept "
                               "compiled release vs compile from the first release",
                     "value": kept[step], "unit": "s", "baseline": again[step], "ratio": again[step] / kept[step]})
    rows.append({"figure": f"update cost, last ({updates + 1} releases) vs first (2 releases), kept compiled release",
                 "value": kept[-1], "unit": "s", "baseline": kept[1], "ratio": kept[-1] / kept[1]})
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
