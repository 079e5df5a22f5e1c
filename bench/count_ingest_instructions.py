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
from collections.abc import Callable
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


def fresh_database(path: Path, work: Path, src: Path | None, **more: str) -> dict[str, str]:
    """The environment of a run on a fresh, initialised SQLite database for `path` (`src`: another version's tree
    first on the path; `more`: further variables)."""
    env = dict(os.environ, KSCITY_DATABASE_URL=f"sqlite:///{work / path.stem}.db", PYTHONHASHSEED="0", **more)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    subprocess.run([sys.executable, "-m", "kscity.cli", "init"], env=env, check=True, capture_output=True)
    return env


def cachegrind(argv: list[str], env: dict[str, str], work: Path) -> int:
    """Instructions valgrind counts for one run of `argv`."""
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={work}/cg.out",
                           *argv], env=env, capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def instructions(path: Path, work: Path, src: Path | None) -> int:
    """Instructions valgrind counts for one one-process ingest of `path` into a fresh database."""
    env = fresh_database(path, work, src, KSCITY_INGEST_WORKER="0")
    driver = work / "driver.py"
    driver.write_text(_DRIVER)
    return cachegrind([sys.executable, str(driver), str(path)], env, work)


def per_release(doc: str, small: int, large: int, measure: Callable[[Path, Path, Path | None], int],
                what: str) -> None:
    """Parse the command line (`--small`, `--large`, `--src`), measure both sizes, print the work per release."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--small", type=int, default=small)
    parser.add_argument("--large", type=int, default=large)
    parser.add_argument("--src", type=Path, default=None)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        files = work / "small.json", work / "large.json"
        n_small, n_large = build(files[0], args.small), build(files[1], args.large)
        counts = {n: measure(p, work, args.src) for n, p in zip((n_small, n_large), files, strict=True)}
    per = (counts[n_large] - counts[n_small]) / (n_large - n_small)
    print(f"{n_small:,} releases: {counts[n_small]:,} instructions; {n_large:,}: {counts[n_large]:,}")
    print(f"per release: {per:,.0f} instructions{what} (start-up excluded)")


def main() -> None:
    per_release(__doc__, 10, 1500, instructions, "")


if __name__ == "__main__":
    main()
