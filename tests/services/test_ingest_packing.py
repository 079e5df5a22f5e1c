"""An ingest packs a file's releases and notices with zstd dictionaries trained on its first items, keeps them in
the store with the rows, and any process reads the rows back through them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text

from kscity.app import App
from kscity.services.ingest import ingest_file
from kscity.settings import Settings
from kscity.store.migrate import upgrade
from kscity.store.packing import MIN_SAMPLES, dictionary_id, frame_dictionary
from kscity.store.tables.pipeline import OpportunityRow, PackDictionaryRow, ReleaseRow


def _raw(kapp: App) -> tuple[dict[int, bytes], list[tuple[str, bytes, bytes]], list[bytes], list[bytes]]:
    """The dictionaries kept, and the releases', links' and opportunities' packed columns as stored (not decoded)."""
    with kapp.engine.connect() as conn:
        kept = {i: bytes(c) for i, c in conn.execute(select(PackDictionaryRow.id, PackDictionaryRow.content))}
        releases = [(o, bytes(p), bytes(n)) for o, p, n in conn.execute(
            text("SELECT ocid, payload, notice FROM release ORDER BY ocid"))]
        links = [bytes(n) for (n,) in conn.execute(text("SELECT notice FROM notice_link"))]
        documents = [bytes(d) for (d,) in conn.execute(text("SELECT documents FROM opportunity"))]
    return kept, releases, links, documents


def _digests(kapp: App) -> list[tuple[str, str, str]]:
    with kapp.read() as s:
        return [(r.ocid, hashlib.sha256(orjson.dumps(r.payload, option=orjson.OPT_SORT_KEYS)).hexdigest(),
                 hashlib.sha256(orjson.dumps(r.notice, option=orjson.OPT_SORT_KEYS)).hexdigest())
                for r in s.scalars(select(ReleaseRow).order_by(ReleaseRow.ocid))] + [
            (o.ocid, hashlib.sha256(orjson.dumps(o.documents)).hexdigest(), "")
            for o in s.scalars(select(OpportunityRow).order_by(OpportunityRow.ocid))]


_READ_BACK = """
import hashlib, orjson, sys
from sqlalchemy import select, text
from kscity.app import App
from kscity.settings import Settings
from kscity.store.tables.pipeline import OpportunityRow, ReleaseRow
kapp = App(Settings(database_url=sys.argv[1]))
with kapp.read() as s:
    print(orjson.dumps([(r.ocid, hashlib.sha256(orjson.dumps(r.payload, option=orjson.OPT_SORT_KEYS)).hexdigest(),
                         hashlib.sha256(orjson.dumps(r.notice, option=orjson.OPT_SORT_KEYS)).hexdigest())
                        for r in s.scalars(select(ReleaseRow).order_by(ReleaseRow.ocid))] + [
        (o.ocid, hashlib.sha256(orjson.dumps(o.documents)).hexdigest(), "")
        for o in s.scalars(select(OpportunityRow).order_by(OpportunityRow.ocid))]).decode())
"""


@pytest.mark.parametrize("worker", [False, True])
def test_a_large_file_is_packed_with_its_own_dictionaries(kapp: App, database_url: str, file_1500: Path,
                                                          worker: bool) -> None:
    report = ingest_file(kapp, file_1500, worker=worker)
    assert report.ingested > 1000
    kept, releases, links, documents = _raw(kapp)
    assert len(kept) == 2 and all(dictionary_id(c) == i for i, c in kept.items())
    payload_ids = {frame_dictionary(p) for _, p, _ in releases}
    notice_ids = {frame_dictionary(n) for _, _, n in releases}
    assert len(payload_ids) == 1 and len(notice_ids) == 1 and payload_ids | notice_ids == set(kept)
    assert {frame_dictionary(n) for n in links} <= notice_ids | {0}
    # the opportunities' documents too, with the notices' dictionary (a notice's JSON holds its documents), whether
    # the reading process worked their rows out or this one did
    assert len(documents) > 1000 and {frame_dictionary(d) for d in documents} == notice_ids
    # another process, which has met no dictionary, reads every release through the store's table
    digests = _digests(kapp)
    env = dict(os.environ, KSCITY_DATABASE_URL=database_url)
    done = subprocess.run([sys.executable, "-c", _READ_BACK, database_url], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert [tuple(d) for d in orjson.loads(done.stdout)] == digests
    # the same file again: nothing new, no second dictionary
    again = ingest_file(kapp, file_1500, worker=worker)
    assert again.ingested == 0 and again.duplicates == report.ingested
    assert _raw(kapp)[0] == kept


def test_the_reading_process_and_this_one_train_the_same_dictionaries(file_1500: Path, tmp_path: Path) -> None:
    kept: list[dict[int, bytes]] = []
    for worker in (False, True):
        kapp = App(Settings(database_url=f"sqlite:///{tmp_path / f'{worker}.db'}"))
        upgrade(kapp.engine)
        ingest_file(kapp, file_1500, worker=worker)
        kept.append(_raw(kapp)[0])
        kapp.dispose()
    assert kept[0] == kept[1] and len(kept[0]) == 2


def test_a_small_file_is_packed_without_a_dictionary(kapp: App, shared_data: Path) -> None:
    path = shared_data / "ocds/uk-contracts-finder/sample/releases"
    files = sorted(path.glob("*.json"))
    reports: list[Any] = [ingest_file(kapp, f) for f in files]
    assert sum(r.ingested for r in reports) < MIN_SAMPLES * len(files)
    kept, releases, *_ = _raw(kapp)
    assert kept == {} and releases
    assert {frame_dictionary(p) for _, p, _ in releases} == {0} == {frame_dictionary(n) for _, _, n in releases}


@pytest.mark.parametrize("worker", [False, True])
def test_quarantined_payloads_are_kept_as_read(kapp: App, shared_data: Path, tmp_path: Path, worker: bool) -> None:
    """The reading side sends a rejected item's payload as JSON text, which the quarantine keeps as it is: the
    payload read back is the release as the file had it."""
    from kscity.services.imports import import_detail

    pkg = orjson.loads((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    releases = [dict(r, ocid=f"{r['ocid']}-q{i}") for i in range(3) for r in pkg["releases"]]
    bad = [dict(releases[i], tender={"value": {"amount": "N/A", "currency": "EUR"}, "note": f"é {i}"})
           for i in (5, 150, 250)]
    for i, release in zip((5, 150, 250), bad, strict=True):
        releases[i] = release
    path = tmp_path / "with-bad.json"
    path.write_bytes(orjson.dumps(dict(pkg, releases=releases)))
    report = ingest_file(kapp, path, worker=worker)
    assert report.quarantined == 3
    with kapp.read() as s:
        kept = import_detail(session=s, import_id=report.import_id)["quarantine"]
    assert sorted((q["payload"] for q in kept), key=lambda p: p["ocid"]) == sorted(bad, key=lambda p: p["ocid"])


def test_a_worker_dead_before_its_dictionaries_leaves_them_to_this_process(file_1500: Path, tmp_path: Path) -> None:
    """The reading process dies before it has trained and sent the file's dictionaries: this process reads the
    file, trains them, and the store keeps them with the rows packed with them."""
    from kscity.services import ingest_worker
    from kscity.services.ingest_worker import ReadJob, WorkerBatches
    from kscity.services.opportunity_view import FxTable

    job = ReadJob(file_1500, None, None, FxTable({}), None, None, 500)
    worker = WorkerBatches(job)
    worker._proc.kill()
    batches = list(worker)
    assert worker.fell_back and worker.packer is not None and len(worker.packer.dictionaries) == 2
    assert sum(len(b) for b in batches) == 1500
    local = ingest_worker.LocalBatches(job)
    list(local)
    assert local.packer is not None and worker.packer.dictionaries == local.packer.dictionaries

    kapp = App(Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}"))
    upgrade(kapp.engine)

    class DiesAtOnce(WorkerBatches):
        def __init__(self, job: ReadJob) -> None:
            super().__init__(job)
            self._proc.kill()

    original = ingest_worker.WorkerBatches
    import kscity.services.ingest as ingest_module
    ingest_module.WorkerBatches = DiesAtOnce  # type: ignore[misc]
    try:
        ingest_file(kapp, file_1500, worker=True)
    finally:
        ingest_module.WorkerBatches = original  # type: ignore[misc]
    kept, releases, *_ = _raw(kapp)
    assert len(kept) == 2 and {frame_dictionary(p) for _, p, _ in releases} <= set(kept)
    kapp.dispose()
