"""Full ingest (store, compile, link, classify, opportunities) releases/s vs orjson parsing and `ocdskit compile`.

Same replicated file for all, in one run: (a) orjson.loads of the bytes (the floor), (b) the `ocdskit compile`
command on the file (its own streaming parse, ocdsmerge, JSON out; local OCDS 1.1.5 schema) — the anchor the
issue names — and, for reference, ocdskit's merge alone on already parsed data (ocdskit.combine.merge, parse
excluded), (c) `kscity ingest` into a fresh SQLite database in a child process (its peak RSS reported).
Targets: ≥ 3× ocdskit compile, ≥ 0.25× orjson.
Run alone: .venv/bin/python bench/bench_ingest.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_read import SHARED, build

SCHEMA = SHARED / "ocds-schema" / "1__1__5" / "release-schema.json"


def _ocdskit_compile(path: Path) -> float:
    from ocdskit.combine import merge

    data = orjson.loads(path.read_bytes())
    t = time.perf_counter()
    for _ in merge([data], schema=str(SCHEMA), ignore_version=True):
        pass
    return time.perf_counter() - t


def _ocdskit_cli(path: Path) -> float:
    ocdskit = Path(sys.executable).with_name("ocdskit")
    t = time.perf_counter()
    with open(path, "rb") as stdin:
        subprocess.run([str(ocdskit), "compile", "--schema", str(SCHEMA)], stdin=stdin, stdout=subprocess.DEVNULL,
                       check=True)
    return time.perf_counter() - t


def _kscity(path: Path, db: Path) -> tuple[float, float]:
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}")
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    # peak RSS from VmHWM: ru_maxrss would carry over this (parent) process's peak across fork+exec, and the
    # parent has just held the whole parsed file for the two baselines
    code = ("import sys,time;from pathlib import Path;from kscity.cli.main import main;t=time.perf_counter();"
            f"sys.argv=['kscity','ingest',{str(path)!r},'--format','json'];\ntry: main()\nexcept SystemExit: pass\n"
            "hwm=[l.split()[1] for l in Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:')]\n"
            "sys.stderr.write(f'{time.perf_counter()-t} {hwm[0]}')")
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    secs, rss_kb = p.stderr.strip().split()[-2:]
    return float(secs), int(rss_kb) / 1024


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Build the replicated file and time the three readers of it."""
    n = 5_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "releases.json"
        build(path, n)
        t = time.perf_counter()
        orjson.loads(path.read_bytes())
        parse_s = time.perf_counter() - t
        merge_s = _ocdskit_compile(path) if SCHEMA.exists() else float("nan")
        compile_s = _ocdskit_cli(path) if SCHEMA.exists() else float("nan")
        ingest_s, rss = _kscity(path, Path(d) / "b.db")
    rate = n / ingest_s
    return [
        {"figure": f"orjson parse ({n:,} releases)", "value": n / parse_s, "unit": "releases/s"},
        {"figure": "ocdskit merge alone (library, parse excluded)", "value": n / merge_s, "unit": "releases/s"},
        {"figure": "ocdskit compile (command, end to end)", "value": n / compile_s, "unit": "releases/s"},
        {"figure": "kscity ingest vs ocdskit compile", "value": rate, "unit": "releases/s",
         "baseline": n / compile_s, "ratio": rate / (n / compile_s), "target": "≥ 3×",
         "ok": rate / (n / compile_s) >= 3},
        {"figure": "kscity ingest vs orjson parse", "value": rate, "unit": "releases/s", "baseline": n / parse_s,
         "ratio": rate / (n / parse_s), "target": "≥ 0.25×", "ok": rate / (n / parse_s) >= 0.25},
        {"figure": "kscity ingest peak RSS", "value": rss, "unit": "MB", "target": "< 400 MB", "ok": rss < 400},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
