"""Opportunity list page and export on a big pipeline, each against the bare SQL that a hand-written query would run.

Ingests the shared OCDS releases replicated to N (bench_ingest_read.build) into a fresh SQLite database, then times:
(a) one page of 25 (`search_opportunities`, default deadline order and by value) against the same ORDER BY ... LIMIT
    25 in sqlite3 selecting only the listed columns (the floor: what any list must ask the database);
(b) the CSV and XLSX exports of every opportunity (`export_opportunities`) against sqlite3 reading the same columns
    into csv.writer (the floor of a CSV export).
Run alone: .venv/bin/python bench/bench_opportunity_list.py [--quick]
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_read import build

COLUMNS = ("ocid, title, buyer, country, service, sub_solution, stage, value, currency, value_usd, published, "
           "tender_deadline")


def _median_ms(fn: Any, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Build the pipeline, then time the list and the exports against their floors."""
    from kscity.app import build_app
    from kscity.services.opportunities import search_opportunities
    from kscity.services.opportunity_export import export_opportunities

    with tempfile.TemporaryDirectory() as d:
        path, db = Path(d) / "releases.json", Path(d) / "list.db"
        build(path, 5_000 if quick else 50_000)
        env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}")
        for args in (["init"], ["ingest", str(path), "--quiet"]):
            subprocess.run([sys.executable, "-m", "kscity.cli", *args], env=env, check=True, capture_output=True)
        os.environ["KSCITY_DATABASE_URL"] = env["KSCITY_DATABASE_URL"]
        kapp = build_app()
        raw = sqlite3.connect(db)
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        rows: list[dict[str, Any]] = []
        with kapp.read() as s:
            n = search_opportunities(session=s, per_page=1)["total"]
            for sort, order in (("deadline", "tender_deadline IS NULL, tender_deadline < ?, CASE WHEN tender_deadline"
                                             " >= ? THEN tender_deadline END, tender_deadline DESC, id"),
                                ("value", "value_usd IS NULL, value_usd DESC, id")):
                args = (now, now) if sort == "deadline" else ()
                page = _median_ms(lambda sort=sort: search_opportunities(session=s, sort=sort, per_page=25))
                floor = _median_ms(lambda order=order, args=args: raw.execute(
                    f"SELECT {COLUMNS} FROM opportunity ORDER BY {order} LIMIT 25", args).fetchall())
                rows.append({"figure": f"opportunity list, one page of 25 of {n:,}, by {sort} (median of 7)",
                             "value": page, "unit": "ms", "baseline": floor, "ratio": page / floor})

            def bare_csv() -> None:
                out = csv.writer(io.StringIO())
                for r in raw.execute(f"SELECT {COLUMNS} FROM opportunity ORDER BY value_usd IS NULL, value_usd DESC"):
                    out.writerow(r)

            floor_s = _median_ms(bare_csv, runs=3) / 1000
            for fmt in ("csv", "xlsx"):
                t = time.perf_counter()
                export_opportunities(session=s, fmt=fmt, lang="ko", sort="value")  # type: ignore[arg-type]
                secs = time.perf_counter() - t
                rows.append({"figure": f"opportunity export, {fmt}, all {n:,}", "value": secs, "unit": "s",
                             "baseline": floor_s, "ratio": secs / floor_s})
        raw.close()
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
