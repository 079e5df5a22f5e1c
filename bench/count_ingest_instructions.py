"""Instructions an ingest executes per release, counted by valgrind (cachegrind): a steady measure of the work.

This shared 2-core machine's speed swings by a third within minutes, so wall and CPU times cannot show a change
of a few per cent without many alternated runs; the instructions a run executes barely move between runs (two
runs of the same code: within 0.1 %). Two ingests in one process (the reading process off), of the same shared
releases replicated as bench_ingest.py does, `--small` and `--large` releases, into fresh SQLite databases; their
difference over the difference in releases is the work per release, start-up (imports, lexicons, the country
table) excluded. The 2 s commit timer is lifted, since valgrind runs the code ~30 times slower and would commit
far more often than a real run. What it does not see: time spent waiting (disk, the other process), and that
instructions differ in cost (a cache miss is not an addition), so it compares versions of the code, not machines.
Needs valgrind (Debian's package); not part of `make bench`.

Run: .venv/bin/python bench/count_ingest_instructions.py [--small 10] [--large 1500] [--src DIR]
(`--src`: the source tree of another version, e.g. a worktree with its compiled modules, put first on the path)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_read import build

_DRIVER = """
import sys
import kscity.services.ingest as ingest
ingest.COMMIT_SECONDS = 1e9
from kscity.cli.main import main
sys.argv = ["kscity", "ingest", sys.argv[1], "--format", "json"]
main()
"""


def instructions(path: Path, work: Path, src: Path | None) -> int:
    """Instructions valgrind counts for one one-process ingest of `path` into a fresh database."""
    db = work / f"{path.stem}.db"
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{db}", KSCITY_INGEST_WORKER="0", PYTHONHASHSEED="0")
    if src is not None:
        env["PYTHONPATH"] = str(src)
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    driver = work / "driver.py"
    driver.write_text(_DRIVER)
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={work}/cg.out",
                           sys.executable, str(driver), str(path)], env=env, capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1500)
    parser.add_argument("--src", type=Path, default=None)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        small, large = work / "small.json", work / "large.json"
        n_small, n_large = build(small, args.small), build(large, args.large)
        counts = {n: instructions(p, work, args.src) for n, p in ((n_small, small), (n_large, large))}
    per_release = (counts[n_large] - counts[n_small]) / (n_large - n_small)
    print(f"{n_small:,} releases: {counts[n_small]:,} instructions; {n_large:,}: {counts[n_large]:,}")
    print(f"per release: {per_release:,.0f} instructions (start-up excluded)")


if __name__ == "__main__":
    main()
