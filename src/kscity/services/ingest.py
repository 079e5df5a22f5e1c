"""Ingest files of notices: store each release once, quarantine the bad, rebuild the opportunities they touch.

Unlike most services this one owns its transactions: it commits every few batches, so a `kill -9` leaves the
database consistent (whole transactions only) and a re-run skips what landed and completes the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kscity.app import App
from kscity.errors import InvalidInput
from kscity.ingest import Limits, Rejected
from kscity.ingest.positions import position_ko
from kscity.model.times import utc_naive
from kscity.services.import_runner import runner_alive, this_runner
from kscity.services.ingest_ready import PLAIN, Ready
from kscity.services.ingest_worker import Batches, LocalBatches, ReadJob, WorkerBatches, bulk_gc
from kscity.services.opportunity_build import LinkCache, rebuild_opportunities, table_of
from kscity.services.opportunity_view import FxTable, StoredRelease
from kscity.services.reading_process import WORKER_MIN_BYTES, drop_spare
from kscity.settings import Settings
from kscity.store.bulk import insert_many
from kscity.store.checkpoints import checkpoints_aside
from kscity.store.chunks import in_chunks
from kscity.store.packing import Packer, remember
from kscity.store.tables.pipeline import ImportFileRow, PackDictionaryRow, QuarantineRow, QuarantineSeenRow, ReleaseRow

DATA_SUFFIXES = {".json", ".jsonl", ".ndjson", ".gz", ".zip", ".xml", ".csv", ".xlsx"}
BATCH = 500  # items the store takes at a time (bounds peak RSS)
# items per committed transaction (a few batches; KSCITY_INGEST_COMMIT_ITEMS), and the longest a transaction
# stays open: SQLite writes each page a transaction changed once per commit, and link keys, ocids and release ids
# land all over their indexes, so committing every batch of 500 rewrote most index pages each time (116,145
# releases: 12.2 GB written through the log for a 0.9 GB database; every 5,000: about 3 GB). A kill -9 loses at
# most the transaction in flight, and the import's progress, committed with it, stays at most seconds old.
COMMIT_ITEMS: int = Settings.model_fields["ingest_commit_items"].default
COMMIT_SECONDS = 2.0


@dataclass
class FileReport:
    """The report of one file: format, counts, errors in plain words."""

    path: str
    format: str = "unknown"
    ingested: int = 0
    quarantined: int = 0
    duplicates: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    import_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `kscity ingest --format json`."""
        return {"path": self.path, "format": self.format, "ingested": self.ingested, "quarantined": self.quarantined,
                "duplicates": self.duplicates, "errors": self.errors, "import_id": self.import_id}


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the data files inside folders named (sorted, recursive); missing paths refused."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DATA_SUFFIXES
                          and not f.name.startswith("."))
        elif p.exists():
            out.append(p)
        else:
            raise InvalidInput(f"{p}: no such file or folder", f"{p}: 파일이나 폴더가 없습니다")
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store_batch(session: Session, batch: list[Ready | Rejected], report: FileReport, file_row: ImportFileRow,
                 ) -> dict[str, list[StoredRelease]]:
    """Store one batch; returns the new releases by ocid: the ocids whose opportunities must be rebuilt."""
    accepted = [i for i in batch if isinstance(i, Ready)]
    keys = {(a.ocid, a.key) for a in accepted}
    ocids = sorted({o for o, _ in keys})
    known: dict[tuple[str, str], str] = {}
    # by ocid, then the release ids here: SQLite answers "(ocid, release_id) IN (...)" by scanning the whole
    # release table (its plan: SCAN release), which made every batch slower than the one before
    for chunk in in_chunks(ocids):
        rows = session.execute(select(ReleaseRow.ocid, ReleaseRow.release_id, ReleaseRow.content_hash)
                               .where(ReleaseRow.ocid.in_(chunk)))
        known.update({(o, r): h for o, r, h in rows if (o, r) in keys})
    touched: dict[str, list[StoredRelease]] = {}
    new_rows: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []  # quarantine rows
    stored_at: dict[str, list[str]] = {}  # ocid → the positions of its releases stored here, in order
    for item in batch:
        if isinstance(item, Rejected):
            payload = orjson.Fragment(item.payload_json) if item.payload_json is not None else item.payload
            held.append(_held(file_row, item.position, item.ocid, item.release_id, payload, item.snippet,
                              [{"where": e.where, "message": e.message, "message_ko": e.message_ko, "path": e.path}
                               for e in item.errors]))
            report.quarantined += 1
            continue
        key = (item.ocid, item.key)
        prior = known.get(key)
        if prior == item.content_hash:
            report.duplicates += 1
            continue
        if prior is not None:
            msg = (f"{item.position}, ocid {item.ocid}: release id '{item.release_id}' was already stored with "
                   "different content; the first copy is kept, this one is quarantined")
            msg_ko = (f"{position_ko(item.position)}, ocid {item.ocid}: 릴리스 ID '{item.release_id}'가 다른 내용으로 "
                      "이미 저장되어 있어 처음 것을 유지하고 이것은 격리합니다")
            held.append(_held(file_row, item.position, item.ocid, item.release_id,
                              orjson.Fragment(item.payload_json()), "",
                              [{"where": f"{report.path}, {item.position}, ocid {item.ocid}", "message": msg,
                                "message_ko": msg_ko, "path": "id"}], content=item.content_hash))
            report.quarantined += 1
            continue
        known[key] = item.content_hash
        new_rows.append({"ocid": item.ocid, "release_id": item.key, "content_hash": item.content_hash,
                         "source": item.source, "kind": item.kind, "payload": item.payload_packed,
                         "notice": item.notice_packed, "file_id": file_row.id,
                         "position": item.position})
        report.ingested += 1
        touched.setdefault(item.ocid, []).append(item.stored())
        stored_at.setdefault(item.ocid, []).append(item.position)
    for ocid, stored in touched.items():  # a group worked out ahead holds only if its releases are those stored
        group = stored[-1].group
        if group is not None and group.positions != tuple(stored_at[ocid]):
            stored[-1] = replace(stored[-1], group=None)
    session.flush()
    insert_many(session, table_of(ReleaseRow), new_rows)  # one executemany, not an ORM object per release
    _quarantine(session, held, file_row.id)
    return touched


def _keep_dictionaries(session: Session, dictionaries: list[bytes]) -> None:
    """Keep a file's zstd dictionaries in the transaction of the first rows packed with them, each once (the same
    file read again, as after a `kill -9`, trains the same ones)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for content in dictionaries:  # kept already (a re-run, or an ingest of the same file elsewhere): left as it is
        session.execute(insert(PackDictionaryRow).values(id=remember(content), content=content)
                        .on_conflict_do_nothing())


def _held(file_row: ImportFileRow, position: str, ocid: str | None, release_id: str | None,
          payload: dict[str, Any] | orjson.Fragment | None, snippet: str, reasons: list[dict[str, str]],
          content: str = "") -> dict[str, Any]:
    """A quarantine row; its fingerprint (file, place, ids, reasons) makes a re-run add no second copy."""
    body = orjson.dumps([file_row.path, position, ocid, release_id, snippet, content, [r["message"] for r in reasons]])
    return {"file_id": file_row.id, "position": position, "ocid": ocid, "release_id": release_id, "payload": payload,
            "snippet": snippet, "reasons": reasons, "fingerprint": hashlib.sha256(body).hexdigest()}


def _quarantine(session: Session, held: list[dict[str, Any]], file_id: int) -> None:
    """Keep a batch's quarantined items, each once, and record that this import met them (a re-run of the same
    file meets the items the first run kept): one lookup of the fingerprints kept already, one insert of the
    rest, one of the sightings (an ORM object and a query per item cost 0.8 s per 20,000 releases of which 945
    were quarantined)."""
    fresh: dict[str, dict[str, Any]] = {}
    for row in held:  # the first of the same item twice in a batch
        fresh.setdefault(row["fingerprint"], row)
    kept = _kept(session, list(fresh))
    insert_many(session, table_of(QuarantineRow), [r for fp, r in fresh.items() if fp not in kept])
    kept |= _kept(session, [fp for fp in fresh if fp not in kept])
    ids = {kept[fp] for fp in fresh}
    for some in in_chunks(sorted(ids)):  # met already by this import: an item repeated in a later batch
        ids -= set(session.scalars(select(QuarantineSeenRow.quarantine_id).where(
            QuarantineSeenRow.file_id == file_id, QuarantineSeenRow.quarantine_id.in_(some))))
    insert_many(session, table_of(QuarantineSeenRow), [{"file_id": file_id, "quarantine_id": i} for i in sorted(ids)])


def _kept(session: Session, fingerprints: list[str]) -> dict[str, int]:
    """The quarantine ids of the items with these fingerprints kept already."""
    kept: dict[str, int] = {}
    for chunk in in_chunks(fingerprints):
        kept.update((fp, i) for fp, i in session.execute(select(QuarantineRow.fingerprint, QuarantineRow.id)
                                                         .where(QuarantineRow.fingerprint.in_(chunk))))
    return kept


Progress = Callable[[str, int], None]


def ingest_file(kapp: App, path: Path, *, source: str | None = None, schema_path: Path | None = None,
                fx: FxTable | None = None, limits: Limits | None = None, mapping_path: Path | None = None,
                progress: Progress | None = None, cache: LinkCache | None = None, worker: bool | None = None,
                name: str | None = None, commit_items: int = COMMIT_ITEMS) -> FileReport:
    """Ingest one file in committed transactions of `commit_items` items (or COMMIT_SECONDS) at most; returns its
    report (never raises for bad content). `worker`: read the file in a second process (None: when there are two
    cores and the file has WORKER_MIN_BYTES). `name`: how the report, the import's record and its messages name
    the file (an upload: its uploaded name, not the scratch copy's path; the name is also part of what makes a
    re-run's quarantine add nothing)."""
    cache = cache if cache is not None else LinkCache()
    report = FileReport(path=name or str(path))
    with kapp.transaction() as session:
        fx = fx or FxTable.load(session)
        started = utc_naive()
        row = ImportFileRow(path=name or str(path.resolve()), source=source or "auto", started_at=started,
                            size=_size(path), runner=this_runner(), progress_at=started)
        session.add(row)
        session.flush()
        report.import_id = row.id
    job = ReadJob(path, source, schema_path, fx, limits, mapping_path, BATCH, name)
    use_worker = worker if worker is not None else (os.cpu_count() or 1) >= 2 and _size(path) >= WORKER_MIN_BYTES
    batches: Batches = WorkerBatches(job) if use_worker else LocalBatches(job)
    seen = 0
    try:
        with contextlib.ExitStack() as open_tx:  # the transaction in flight, over one or more batches
            tx: Session | None = None
            held, opened = 0, 0.0
            packer: Packer | None = None
            for batch in batches:
                if tx is None:
                    tx, opened = open_tx.enter_context(kapp.transaction()), time.monotonic()
                if packer is None and batches.packer is not None:
                    packer = batches.packer
                    _keep_dictionaries(tx, packer.dictionaries)
                file_row = tx.get(ImportFileRow, report.import_id)
                assert file_row is not None
                touched = _store_batch(tx, batch, report, file_row)
                rebuild_opportunities(session=tx, ocids=touched, fx=fx, cache=cache, fresh=touched,
                                      pack_documents=(packer or PLAIN).notice)
                seen += len(batch)
                held += len(batch)
                file_row.items_seen, file_row.ingested = seen, report.ingested
                file_row.quarantined, file_row.duplicates = report.quarantined, report.duplicates
                file_row.progress_at, file_row.format = utc_naive(), batches.summary.format
                if held >= commit_items or time.monotonic() - opened >= COMMIT_SECONDS:
                    open_tx.close()  # commits
                    tx, held = None, 0
                    if progress:
                        progress(str(path), seen)
            open_tx.close()
            if progress and held:
                progress(str(path), seen)
    finally:  # an error while storing must not leave the reading process waiting on its pipe
        batches.close()
    summary = batches.summary
    report.format = summary.format
    report.errors = [e.as_dict() for e in summary.errors]
    with kapp.transaction() as session:
        file_row = session.get(ImportFileRow, report.import_id)
        assert file_row is not None
        file_row.format, file_row.errors = report.format, report.errors
        file_row.items_seen, file_row.ingested = seen, report.ingested
        file_row.quarantined, file_row.duplicates = report.quarantined, report.duplicates
        file_row.status, file_row.finished_at = "done", utc_naive()
        file_row.progress_at = file_row.finished_at
        _mark_resumed(session, file_row)
    return report


def _mark_resumed(session: Session, done: ImportFileRow) -> None:
    """Earlier imports of the same file (its path or uploaded name, and its size) whose process died before the
    end: `done` has completed the file (what they stored counts as duplicates here), so they read as resumed by
    it, not as interrupted."""
    earlier = session.execute(select(ImportFileRow.id, ImportFileRow.runner, ImportFileRow.progress_at).where(
        ImportFileRow.path == done.path, ImportFileRow.status == "running", ImportFileRow.id < done.id,
        or_(ImportFileRow.size == done.size, ImportFileRow.size.is_(None))))  # None: recorded before sizes were
    now = utc_naive()
    dead = [i for i, runner, at in earlier if not runner_alive(runner, at, now)]
    if dead:
        session.execute(update(ImportFileRow).where(ImportFileRow.id.in_(dead))
                        .values(status="resumed", resumed_by=done.id))


def ingest_paths(kapp: App, paths: Iterable[str | Path], *, source: str | None = None,
                 schema_path: Path | None = None, limits: Limits | None = None, mapping_path: Path | None = None,
                 progress: Progress | None = None, names: Mapping[Path, str] | None = None) -> dict[str, Any]:
    """Ingest files and folders; one report per file. Unusable arguments raise InvalidInput before any work.
    `names`: display names of some files (ingest_file's `name`), by their path as given."""
    files = expand_paths(paths)
    if schema_path is not None and not schema_path.exists():
        raise InvalidInput(f"{schema_path}: schema file not found", f"{schema_path}: 스키마 파일이 없습니다")
    with kapp.read() as session:
        fx = FxTable.load(session)
    cache = LinkCache()
    worker = kapp.settings.ingest_worker
    try:
        with bulk_gc(), checkpoints_aside(kapp.engine):
            reports = [ingest_file(kapp, f, source=source, schema_path=schema_path, fx=fx, limits=limits,
                                   mapping_path=mapping_path, progress=progress, cache=cache, worker=worker,
                                   name=(names or {}).get(f), commit_items=kapp.settings.ingest_commit_items)
                       for f in files]
    finally:
        drop_spare()  # started by the command for files that were then read here
    return {"files": [r.as_dict() for r in reports]}
