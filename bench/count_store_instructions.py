"""Instructions the storing process executes per release, counted by valgrind: the steady measure of the busier half.

With a reading process (services.ingest_worker) an ingest's two processes share the work, but the storing one has
a floor the other cannot take over: unpickling what arrives, the store's rows, linkage and the opportunities. On a
1 GiB file it ran all the time while the reading one waited now and then (2026-11-29: 28.3 s of CPU in 28.3 s,
against 27.1 s), so that floor sets the pace. Here the batches are read and worked ahead first, as the reading
process sends them (pickled), outside the count; then one process unpickles and stores them, under valgrind
(cachegrind), for `--small` and `--large` releases into fresh SQLite databases. The difference over the difference
in releases is the storing work per release, start-up excluded. Needs valgrind (Debian's package); not part of
`make bench`. See count_ingest_instructions.py for what instructions do and do not show.

Run: .venv/bin/python bench/count_store_instructions.py [--small 300] [--large 3000] [--src DIR]
(`--src`: the source tree of another version, e.g. a worktree with its compiled modules, put first on the path)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from count_ingest_instructions import cachegrind, fresh_database, per_release

# reads a file ahead into pickled batches (argv: file, where to write them)
_READ = """
import pickle, sys
from pathlib import Path
from kscity.ingest import Limits
from kscity.services.ingest_worker import LocalBatches, ReadJob
try:
    from kscity.services.opportunity_view import FxTable
except ImportError:  # a version before 2026-11-29's twenty-first session
    from kscity.services.opportunity_build import FxTable
job = ReadJob(Path(sys.argv[1]), None, None, FxTable({}), Limits(), None, 500)
Path(sys.argv[2]).write_bytes(pickle.dumps([pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)
                                            for b in LocalBatches(job)]))
"""

# stores pickled batches as ingest_file does with a reading process (argv: file, its batches)
_STORE = """
import pickle, sys
from pathlib import Path
import kscity.services.ingest as ingest
from kscity.app import build_app
from kscity.services.ingest_worker import LocalBatches, bulk_gc
blobs = pickle.loads(Path(sys.argv[2]).read_bytes())

class Sent:
    def __init__(self, job, skip=0, ahead=None):
        self.summary = LocalBatches(job).summary
    def __iter__(self):
        for blob in blobs:
            yield pickle.loads(blob)
    def close(self):
        pass

ingest.LocalBatches = Sent
ingest.COMMIT_SECONDS = 1e9
with bulk_gc():
    ingest.ingest_file(build_app(), Path(sys.argv[1]), worker=False)
"""


def instructions(path: Path, work: Path, src: Path | None) -> int:
    """Instructions valgrind counts for the storing of `path`'s batches into a fresh database."""
    env = fresh_database(path, work, src)
    batches = work / f"{path.stem}.batches"
    subprocess.run([sys.executable, "-c", _READ, str(path), str(batches)], env=env, check=True)
    driver = work / "store.py"
    driver.write_text(_STORE)
    return cachegrind([sys.executable, str(driver), str(path), str(batches)], env, work)


def main() -> None:
    per_release(__doc__, 300, 3000, instructions, " of the storing process")


if __name__ == "__main__":
    main()
