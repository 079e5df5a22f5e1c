"""Reading in a second process gives exactly what reading in the ingest process gives, and survives its death."""

from __future__ import annotations

import os
import pickle
import platform
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from kscity.app import App
from kscity.ingest import Rejected
from kscity.services import ingest
from kscity.services.ingest import ingest_file
from kscity.services.ingest_ready import Ready, batch_bytes, batch_from_bytes
from kscity.services.ingest_worker import CHUNK, QUEUE, LocalBatches, ReadJob, WorkerBatches
from kscity.services.opportunity_view import FxTable
from kscity.settings import Settings
from kscity.store.migrate import upgrade
from kscity.store.tables.pipeline import ImportFileRow, NoticeLinkRow, OpportunityRow, QuarantineRow, ReleaseRow

from .conftest import portugal_copies

# the same ocid and release id with other content (UK record vs release), an empty file and a record package
# (Paraguay), a release package (Portugal), a TED notice in both schemas: one worker starts per file
FILES = ("ocds/uk-contracts-finder/sample/records/ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b.json",
         "ocds/uk-contracts-finder/sample/releases/ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b-59429-metofc-"
         "9mgh-ghl8ty.json",
         "ocds/uk-contracts-finder/sample/releases/ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b-ocds-b5fd17-"
         "2c330cf9-adc8-11e6-9901-0019b9f3037b-59429-metofc-9mgh-ghl8ty.json",
         "ocds/paraguay/sample/records/283826.json", "ocds/paraguay/sample/records/284182.json",
         "ocds/portugal/impic-release-package.json", "ted/ted-xml/18-151256-001-EXP.xml",
         "ted/eforms-xml/18-151256-001-EXP.xml")


def _files(shared_data: Path) -> list[Path]:
    return [shared_data / f for f in FILES]


def _snapshot(kapp: App) -> dict[str, Any]:
    with kapp.read() as s:
        releases = sorted((r.ocid, r.release_id, r.content_hash, r.kind,
                           orjson.dumps(r.payload, option=orjson.OPT_SORT_KEYS)) for r in s.scalars(select(ReleaseRow)))
        opps = sorted((o.ocid, o.title, o.country, o.service, o.sub_solution, o.stage, o.value_usd, o.class_score)
                      for o in s.scalars(select(OpportunityRow)))
        links = sorted((n.ocid, n.source, n.link_score, tuple(n.link_reasons))
                       for n in s.scalars(select(NoticeLinkRow)))
        quarantine = sorted((q.position, q.ocid or "", str(q.reasons)) for q in s.scalars(select(QuarantineRow)))
    return {"releases": releases, "opportunities": opps, "links": links, "quarantine": quarantine}


def test_worker_and_local_reading_store_the_same(kapp: App, shared_data: Path, tmp_path: Path) -> None:
    local = App(Settings(database_url=f"sqlite:///{tmp_path / 'local.db'}"))
    upgrade(local.engine)
    reports = {}
    for app, worker in ((kapp, True), (local, False)):
        reports[worker] = [ingest_file(app, p, worker=worker).as_dict() for p in _files(shared_data)]
        for r in reports[worker]:
            r.pop("import_id")
    assert reports[True] == reports[False]
    assert any(r["quarantined"] for r in reports[True]) and any(r["errors"] for r in reports[True])
    assert _snapshot(kapp) == _snapshot(local)


def _items(batches: Any) -> list[tuple[Any, ...]]:
    return [(i.ocid, i.key, i.content_hash, i.payload_json(), i.notice_json(), i.self_compiled) if isinstance(i, Ready)
            else (i.position, i.errors) for batch in batches for i in batch]


@pytest.fixture
def big_file(shared_data: Path, tmp_path: Path) -> Path:
    """A release package of 1,500 releases (three batches of 500) under new ocids."""
    return portugal_copies(shared_data, tmp_path / "big.json", 1500, "c")


def test_a_dead_worker_is_replaced_by_reading_here(big_file: Path) -> None:
    job = ReadJob(big_file, None, None, FxTable({}), None, None, 500)
    expected = _items(LocalBatches(job))
    assert len(expected) == 1500
    worker = WorkerBatches(job)
    got = []
    for index, batch in enumerate(worker):
        got.append(batch)
        if index == 0:
            os.kill(worker.pid, signal.SIGKILL)
    assert worker.fell_back, "the parent noticed the worker's death"
    assert _items(got) == expected
    assert worker.summary.accepted == 1500


def test_the_worker_reads_in_another_process_and_stops(big_file: Path) -> None:
    worker = WorkerBatches(ReadJob(big_file, None, None, FxTable({}), None, None, 500))
    assert worker.pid != os.getpid()
    assert sum(len(b) for b in worker) == 1500 and not worker.fell_back
    assert worker.summary.format == "ocds release package"


def _opportunities(kapp: App) -> list[tuple[Any, ...]]:
    with kapp.read() as s:
        links = {}
        for n in s.scalars(select(NoticeLinkRow)):
            links.setdefault(n.opportunity_id, []).append(n.ocid)
        return sorted((o.ocid, tuple(sorted(links[o.id])), o.service, o.sub_solution, o.class_score,
                       tuple(o.evidence), o.title, o.stage, o.value_usd, orjson.dumps(o.items),
                       orjson.dumps(o.documents), o.search_text, o.description, o.language, o.country, o.buyer,
                       o.procurement_method, o.value, o.currency, o.published, o.tender_deadline)
                      for o in s.scalars(select(OpportunityRow)))


def test_views_worked_out_ahead_are_those_the_build_works_out(kapp: App, shared_data: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading side works out each release's lone view ahead (classification, items, documents, search text);
    the build may use that only for that very view. Copies of the Portuguese releases under another publisher,
    each with a street-lighting item, link to the originals: their merged views classify otherwise than the lone
    views, so a class used for the wrong view would show. Releases of a third publisher stay alone and list an
    item and a document twice: their lone views drop the repeats, so texts of the notice instead would show."""
    pkg = orjson.loads((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    light = {"id": "L1", "description": "Smart street lighting", "classification": {
        "scheme": "CPV", "id": "34928500", "description": "Street-lighting equipment"}}
    copies = []
    for r in pkg["releases"]:
        tender = dict(r.get("tender") or {}, items=[light, *(r.get("tender") or {}).get("items", [])])
        copies.append(dict(r, ocid=r["ocid"].replace("ocds-px0z7d-", "ocds-zz9zz9-"), tender=tender))
    path = tmp_path / "both.json"
    doc = {"id": "D1", "title": "Caderno de encargos", "url": "https://example.org/d1.pdf"}
    repeats = [dict(r, ocid=f"ocds-yy8yy8-rep-{n}", id=f"rep-{n}", tender={
        "id": f"rep-{n}", "title": f"Iluminação pública inteligente, lote {n} de Aveiro", "items": [
            light, dict(light, id="L2")], "documents": [doc, dict(doc, id="D2")]}) for n, r in
        enumerate(pkg["releases"][:5])]
    path.write_bytes(orjson.dumps(dict(pkg, releases=pkg["releases"] + copies + repeats)))
    ingest_file(kapp, path, worker=False)
    ahead = _opportunities(kapp)
    assert any(len(links) > 1 for _, links, *_ in ahead), "some copies link to their originals"
    merged = {service for _, links, service, *_ in ahead if len(links) > 1}
    assert len(merged) > 1, "merged views take the street lights where the original had no main code, not elsewhere"
    repeated = [row for row in ahead if row[0].startswith("ocds-yy8yy8-rep-")]
    assert len(repeated) == 5 and all(len(orjson.loads(row[9])) == 1 and [
        d["url"] for d in orjson.loads(row[10])].count(doc["url"]) == 1 for row in repeated), \
        "lone views keep one of each repeated item and document"

    from kscity.services import ingest_worker, opportunity_view

    # as the reading process sends them (batch_bytes): without their Notice, which the store decodes only if it
    # must (every decode of a packed notice, an item's or a stored one, goes through opportunity_view.stored_notice)
    decoded: list[str] = []
    real_decode = opportunity_view.notice_from_json_text

    def decode(text: bytes) -> Any:
        notice = real_decode(text)
        decoded.append(notice.ocid)
        return notice

    monkeypatch.setattr(opportunity_view, "notice_from_json_text", decode)
    real_ahead = ingest_worker.worked_ahead
    monkeypatch.setattr(ingest_worker, "worked_ahead",
                        lambda batch, *packer: batch_from_bytes(batch_bytes(real_ahead(batch, *packer))))
    sent = App(Settings(database_url=f"sqlite:///{tmp_path / 'sent.db'}"))
    upgrade(sent.engine)
    ingest_file(sent, path, worker=False)
    assert _opportunities(sent) == ahead
    alone = {ocid for ocid, links, *_ in ahead if links == (ocid,)}
    assert decoded and not alone & set(decoded), "lone releases' notices are never decoded; linked ones are"

    monkeypatch.setattr(ingest_worker, "worked_ahead", lambda batch, *packer: batch)
    plain = App(Settings(database_url=f"sqlite:///{tmp_path / 'plain.db'}"))
    upgrade(plain.engine)
    ingest_file(plain, path, worker=False)
    assert _opportunities(plain) == ahead


def test_an_error_while_storing_stops_the_worker(kapp: App, big_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[WorkerBatches] = []

    class Watched(WorkerBatches):
        def __init__(self, job: ReadJob) -> None:
            super().__init__(job)
            workers.append(self)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ingest, "WorkerBatches", Watched)
    monkeypatch.setattr(ingest, "_store_batch", broken)
    with pytest.raises(RuntimeError, match="went away"):
        ingest_file(kapp, big_file, worker=True)
    assert len(workers) == 1
    proc = workers[0]._proc
    assert not proc.is_alive(), "the reading process does not outlive the ingest that failed"


def test_a_message_that_cannot_be_read_is_replaced_by_reading_here(big_file: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk the parent cannot read (here: the fourth message, the second chunk, after the format, the packing
    dictionaries and the first chunk) must not leave the ingest waiting for ever: the parent reads the rest
    itself, from the first item it has not got."""
    from multiprocessing.connection import Connection

    job = ReadJob(big_file, None, None, FxTable({}), None, None, 500)
    expected = _items(LocalBatches(job))
    real_recv = Connection.recv_bytes
    calls = []

    def flaky(self: Connection, maxlength: int | None = None) -> bytes:
        calls.append(1)
        message = real_recv(self)  # taken off the pipe, then found unreadable
        return message[:1] + b"\xc1 not msgpack" if len(calls) == 4 else message

    monkeypatch.setattr(Connection, "recv_bytes", flaky)
    got: list[Any] = []
    worker = WorkerBatches(job)
    reader = threading.Thread(target=lambda: got.extend(worker), daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "the ingest waited for ever for a batch that could not come"
    assert "could not be read" in worker.fell_back
    assert _items(got) == expected
    assert worker.summary.accepted == 1500


def test_the_worker_works_ahead_only_while_the_store_is_behind(shared_data: Path, tmp_path: Path) -> None:
    """The first chunk goes while nothing waits (the storing side is ahead: it works the chunk out itself); once
    the storing side has let half the queue wait, the chunks come worked ahead. 30 chunks, none taken until the
    queue is full: the chunks queued by then (after the format and the dictionaries) were all read while nothing
    was taken, the last of them with the queue more than half full whatever the pipe held besides; the chunks
    read once the queue is being emptied come as the store then is, ahead."""
    path = portugal_copies(shared_data, tmp_path / "ahead.json", 3000, "a")
    worker = WorkerBatches(ReadJob(path, None, None, FxTable({}), None, None, 500))
    deadline = time.monotonic() + 120
    while worker.waiting < QUEUE and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.waiting == QUEUE
    items = [i for batch in worker for i in batch if isinstance(i, Ready) and i.self_compiled]
    chunks = [items[k:k + CHUNK] for k in range(0, len(items), CHUNK)]
    assert len(items) > 2000 and all(i.lone is None and i.features is None for i in chunks[0])
    flags = [[i.lone is not None and i.features is not None for i in c] for c in chunks]
    assert all(all(f) or not any(f) for f in flags), "a chunk is worked ahead whole or not at all"
    ahead = [all(f) for f in flags]
    queued = ahead[:QUEUE - 2]  # read before any was taken
    assert queued[-1] and queued == sorted(queued), "once half the queue waits, every chunk read is worked ahead"


@pytest.mark.parametrize(("seconds", "commits"), [(1e9, [1000, 1500]), (0.0, [500, 1000, 1500])])
def test_commits_span_batches_and_progress_follows_each_commit(kapp: App, big_file: Path,
                                                               monkeypatch: pytest.MonkeyPatch, seconds: float,
                                                               commits: list[int]) -> None:
    """Batches of 500 commit together up to `commit_items` (or sooner, once a transaction has been open
    COMMIT_SECONDS); progress is told after each commit, and what it tells is what another session sees."""
    monkeypatch.setattr(ingest, "COMMIT_SECONDS", seconds)
    told: list[tuple[int, int, int | None]] = []

    def progress(_path: str, seen: int) -> None:
        with kapp.read() as s:  # a session of its own: only committed rows
            stored = s.scalar(select(func.count()).select_from(ReleaseRow))
            recorded = s.scalar(select(ImportFileRow.items_seen))
        told.append((seen, int(stored or 0), recorded))

    report = ingest_file(kapp, big_file, worker=False, commit_items=1000, progress=progress)
    assert report.ingested == 1500
    assert told == [(n, n, n) for n in commits]


_TRIM_PROBE = """
from kscity.services.ingest_worker import _resident, release_memory
held = [bytes(64 * 1024) for _ in range(2000)]  # 128 MB of the C heap (each under glibc's mmap threshold)
pin = bytes(64 * 1024)  # keeps the heap's top in use, so that what is freed below lies in its middle
del held
before = _resident()
release_memory(above=before + 2**30)  # under the bound: nothing handed back
kept = _resident()
release_memory(above=0)
print(before, kept, _resident())
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists() or platform.libc_ver()[0] != "glibc",
                    reason="reads the resident size from Linux's /proc and trims with glibc's malloc_trim")
def test_the_reading_process_hands_freed_heap_back_only_above_its_bound() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _TRIM_PROBE], check=True, capture_output=True, text=True).stdout
    before, kept, after = map(int, out.split())
    assert abs(kept - before) < 8 * 2**20  # untouched while under the bound
    assert before - after > 64 * 2**20  # above it, the freed middle of the heap went back


def test_the_reading_process_starts_without_the_database_modules(tmp_path: Path, shared_data: Path) -> None:
    """The reading process imports what reading and working ahead need, not SQLAlchemy nor the settings (pydantic):
    with them its start took three times as long, the storing process waiting all the while for its first batch."""
    job = ReadJob(shared_data / "ocds" / "portugal" / "impic-release-package.json", None, None,
                  FxTable({"EUR": {2020: 1.1}}), None, None, 50)
    (tmp_path / "job.pickle").write_bytes(pickle.dumps(job))
    script = (
        "import pickle, sys\n"
        "from kscity.services.ingest_worker import LocalBatches\n"
        f"job = pickle.loads(open({str(tmp_path / 'job.pickle')!r}, 'rb').read())\n"
        "items = sum(len(batch) for batch in LocalBatches(job))\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'pydantic', 'pydantic_settings'})\n"
        "print(items, loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, loaded = done.stdout.split(" ", 1)
    assert int(count) >= 100 and loaded.strip() == "[]", done.stdout


def test_rejected_items_cross_from_the_worker_like_the_rest(shared_data: Path, tmp_path: Path) -> None:
    """Batches that carry rejected items (an amount written as text, a release without an id) come from the
    reading process as they would be read here, and the worker does not give up on them (a batch it cannot send
    readably would make this process read the whole file itself, on one core)."""
    path = portugal_copies(shared_data, tmp_path / "bad.json", 1200, "r")
    pkg = orjson.loads(path.read_bytes())
    for index in range(3, 1200, 97):
        release = pkg["releases"][index]
        if index % 2:
            release["tender"] = dict(release.get("tender") or {}, value={"amount": "N/A", "currency": "EUR"})
        else:
            del release["id"]
    path.write_bytes(orjson.dumps(pkg))
    job = ReadJob(path, None, None, FxTable({}), None, None, 500)
    expected = _items(LocalBatches(job))
    worker = WorkerBatches(job)
    got = [batch for batch in worker]
    assert worker.fell_back == "", worker.fell_back
    assert _items(got) == expected
    rejected = [i for batch in got for i in batch if isinstance(i, Rejected)]
    assert len(rejected) == len(range(3, 1200, 97)) and all(r.errors for r in rejected)
    assert worker.summary.rejected == len(rejected)


def _multi_release_file(shared_data: Path, path: Path, copies: int) -> Path:
    """Releases of ocids with several: Mexico's (three an ocid), the UK's (two an ocid, under one release id: the
    second is refused) and Ukraine's (one), repeated under new ocids, each ocid's releases together, every other
    copy under another publisher. After the second copy come a release stored already with a new one of its ocid,
    and another release again with other content (refused)."""
    base = []
    for folder in ("mexico/grupo-aeroportuario/sample/releases", "uk-contracts-finder/sample/releases",
                   "ukraine/sample/releases"):
        for f in sorted((shared_data / "ocds" / folder).glob("*.json")):
            data = orjson.loads(f.read_bytes())
            base += [r for d in (data if isinstance(data, list) else [data]) for r in d.get("releases", [d])]
    count = Counter(r["ocid"] for r in base)
    base = sorted((r for r in base if count[r["ocid"]] > 1 or r["ocid"].startswith("ocds-")), key=lambda r: r["ocid"])
    releases = []
    for n in range(copies):
        for r in base:
            releases.append(dict(r, ocid=f"{'ocds-zz9zz9-' if n % 2 else ''}{r['ocid']}-g{n // 2}"))
        if n == 1:
            first, other = releases[0], releases[5]
            releases += [dict(first), dict(first, id=f"{first['id']}-new", date="2030-01-01T00:00:00Z"),
                         dict(other, tag=["changed"])]
    path.write_bytes(orjson.dumps({"uri": "t", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1",
                                   "releases": releases}))
    return path


def _links(kapp: App) -> list[tuple[Any, ...]]:
    from kscity.store.packing import unpack

    with kapp.read() as s:
        raw: Any = s.connection().connection.dbapi_connection
        return sorted((ocid, orjson.loads(unpack(notice)), None if kept is None else orjson.loads(unpack(kept)),
                       score, reasons) for ocid, notice, kept, score, reasons in raw.execute(
            "SELECT ocid, notice, compiled, link_score, link_reasons FROM notice_link").fetchall())


def test_groups_compiled_ahead_are_what_the_build_compiles(shared_data: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading side compiles an ocid's releases read in one chunk (GroupAhead); the build takes that only when
    the releases it stored for a new ocid are those. Chunks of 3 releases in batches of 7, as a reading process
    sends them (written and read back), split ocids' releases between chunks; a duplicate and a changed copy make
    what is stored differ from what was read; a second file brings new releases for ocids stored already (the build
    folds them onto the compiled release it kept). Every opportunity, link, kept compiled release and link key is
    the same as the build's own."""
    from kscity.services import ingest_worker
    from kscity.store.packing import frame_dictionary

    path = _multi_release_file(shared_data, tmp_path / "multi.json", 16)
    later = tmp_path / "later.json"
    pkg = orjson.loads(path.read_bytes())
    later.write_bytes(orjson.dumps(dict(pkg, releases=[dict(r, id=f"{r['id']}-later", date="2030-01-01T00:00:00Z")
                                                       for r in pkg["releases"][:150]])))
    job = ReadJob(path, None, None, FxTable({}), None, None, 7)
    groups = [i.group for batch in LocalBatches(job) for i in batch if isinstance(i, Ready) and i.group]
    assert len(groups) > 50 and all(len(g.positions) > 1 for g in groups)

    def snapshot(app: App) -> tuple[Any, ...]:
        with app.read() as s:
            raw: Any = s.connection().connection.dbapi_connection
            keys = sorted(raw.execute("SELECT key, publisher, ocid FROM link_key").fetchall())
        return _opportunities(app), _links(app), keys, _snapshot(app)

    def run(name: str, batch: int) -> tuple[Any, ...]:
        monkeypatch.setattr(ingest, "BATCH", batch)
        app = App(Settings(database_url=f"sqlite:///{tmp_path / name}"))
        upgrade(app.engine)
        for f in (path, later):
            ingest_file(app, f, worker=False)
        return snapshot(app)

    real_ahead = ingest_worker.worked_ahead
    ahead = {batch: run(f"ahead{batch}.db", batch) for batch in (7, 500)}
    monkeypatch.setattr(ingest_worker, "worked_ahead", lambda batch, *rest: [
        i for at in range(0, len(batch), 3)
        for i in batch_from_bytes(batch_bytes(real_ahead(batch[at:at + 3], *rest)))])
    sent = run("sent.db", 7)
    monkeypatch.setattr(ingest_worker, "worked_ahead", lambda batch, *rest: real_ahead(batch, *rest[:1]))
    plain = {batch: run(f"plain{batch}.db", batch) for batch in (7, 500)}
    assert ahead[7] == plain[7] and ahead[500] == plain[500] and sent == plain[7]
    opps, links, _, snap = plain[500]
    assert any(len(linked) > 1 for _, linked, *_ in opps) and snap["quarantine"]
    assert sum(kept is not None for _, _, kept, _, _ in links) > 50, "ocids merged from several releases"

    app = App(Settings(database_url=f"sqlite:///{tmp_path / 'ahead500.db'}"))
    with app.read() as s:  # the build packs notices it compiles itself without a dictionary, the reading side with
        raw: Any = s.connection().connection.dbapi_connection
        packed = [frame_dictionary(n) for n, kept in raw.execute("SELECT notice, compiled FROM notice_link")
                  if kept is not None]
    assert sum(d != 0 for d in packed) > 50, "the store took the groups compiled ahead"
