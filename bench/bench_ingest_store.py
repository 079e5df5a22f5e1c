"""How much of ingest is the store's own writing: `kscity ingest` of N releases against replaying the rows it wrote.

Ingests a replicated release package (as bench_ingest.py builds it) into a fresh SQLite database, then writes the
same rows (release, opportunity, notice_link, link_key, quarantine; values as stored) into a second fresh database
of the same schema and pragmas with the sqlite3 module alone: executemany per table, one transaction per 500
releases, as ingest commits. No Python runs between the statements, so the replay is the floor of what any ingest
writing these rows to this store can cost, whatever its reading, linking and classifying cost. The ratio says how
far ingest is from it; the replay's rate against the issue's 3x-ocdskit target says whether the target leaves room
for any reading at all. Run alone: .venv/bin/python bench/bench_ingest_store.py [--quick]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_read import build
from kscity.app import sqlite_pragmas

TABLES = ("release", "opportunity", "notice_link", "link_key", "quarantine")
BATCH = 500


def _ingest(path: Path, db: Path) -> float:
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}")
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kscity.cli", "ingest", str(path), "--format", "json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def _rows(db: Path) -> tuple[list[str], dict[str, list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """The schema of the ingest's tables and their rows in the order ingest wrote them (by release order: each
    notice's rows after its release's), with the import_file rows the foreign keys need."""
    src = sqlite3.connect(db)
    names = ", ".join(f"'{t}'" for t in (*TABLES, "import_file"))
    schema = [r[0] for r in src.execute(f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({names}) AND sql NOT NULL "
                                        "ORDER BY type DESC")]  # tables before their indexes
    rows = {
        "release": src.execute("SELECT * FROM release ORDER BY id").fetchall(),
        "opportunity": src.execute("SELECT * FROM opportunity ORDER BY id").fetchall(),
        "notice_link": src.execute("SELECT l.* FROM notice_link l JOIN release r ON r.ocid = l.ocid "
                                   "GROUP BY l.ocid ORDER BY min(r.id)").fetchall(),
        "link_key": src.execute("SELECT k.* FROM link_key k JOIN notice_link l ON l.ocid = k.ocid "
                                "JOIN opportunity o ON o.id = l.opportunity_id ORDER BY o.id").fetchall(),
        "quarantine": src.execute("SELECT * FROM quarantine ORDER BY id").fetchall(),
    }
    files = src.execute("SELECT * FROM import_file").fetchall()
    src.close()
    return schema, rows, files


def _plan(rows: dict[str, list[tuple[Any, ...]]]) -> list[list[tuple[str, list[tuple[Any, ...]]]]]:
    """The rows per transaction: each table's share of them per BATCH releases, a notice_link row once its
    opportunity is in, a link_key row once its notice_link is (made before the clock starts)."""
    n = len(rows["release"])
    steps = max(1, -(-n // BATCH))
    links, keys = list(rows["notice_link"]), list(rows["link_key"])
    opps_done: set[int] = set()
    links_done: set[str] = set()
    plan = []
    for step in range(steps):
        todo: list[tuple[str, list[tuple[Any, ...]]]] = []
        for table in ("release", "opportunity", "quarantine"):
            part = rows[table]
            todo.append((table, part[step * len(part) // steps:(step + 1) * len(part) // steps]))
            if table == "opportunity":
                opps_done.update(r[0] for r in todo[-1][1])
        last = step == steps - 1
        ready = [r for r in links if last or r[1] in opps_done]  # notice_link: ocid, opportunity_id, ...
        links = [] if last else [r for r in links if r[1] not in opps_done]
        links_done.update(r[0] for r in ready)
        due = [k for k in keys if last or k[2] in links_done]  # link_key: key, publisher, ocid
        keys = [] if last else [k for k in keys if k[2] not in links_done]
        plan.append([(table, chunk) for table, chunk in (*todo, ("notice_link", ready), ("link_key", due)) if chunk])
    return plan


def _replay(schema: list[str], rows: dict[str, list[tuple[Any, ...]]], files: list[tuple[Any, ...]],
            db: Path) -> float:
    con = sqlite3.connect(db, isolation_level=None)
    sqlite_pragmas(con)  # as kscity opens its database
    for sql in schema:
        con.execute(sql)
    con.executemany(f"INSERT INTO import_file VALUES ({','.join('?' * len(files[0]))})", files)
    plan = _plan(rows)
    t = time.perf_counter()
    for step in plan:
        con.execute("BEGIN")
        for table, chunk in step:
            con.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(chunk[0]))})", chunk)
        con.execute("COMMIT")
    secs = time.perf_counter() - t
    con.close()
    return secs


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Ingest, then replay its rows; ingest is timed twice around the replay and the mean rate taken."""
    n = 5_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "releases.json"
        build(path, n)
        ingest_s = [_ingest(path, Path(d) / "a.db")]
        schema, rows, files = _rows(Path(d) / "a.db")
        replay_s = _replay(schema, rows, files, Path(d) / "b.db")
        ingest_s.append(_ingest(path, Path(d) / "c.db"))
        size = (Path(d) / "a.db").stat().st_size / 1e6
    rate = sum(n / s for s in ingest_s) / 2
    floor = n / replay_s
    return [
        {"figure": f"SQLite writes alone: the ingest's rows replayed by sqlite3 executemany ({n:,} releases)",
         "value": floor, "unit": "releases/s"},
        {"figure": "kscity ingest (before / after the replay, mean) vs the replay of its rows", "value": rate,
         "unit": "releases/s", "baseline": floor, "ratio": rate / floor,
         "runs": [round(n / s) for s in ingest_s]},
        {"figure": "database size after the ingest", "value": size, "unit": "MB"},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
