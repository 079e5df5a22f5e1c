"""Import reports on each backend: a page at a time, interrupted and resumed imports, items met again by a re-run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kscity.app import App
from kscity.services.import_runner import this_runner
from kscity.services.imports import STATUS_NAMES, import_detail, page_of_imports, running_imports
from kscity.services.ingest import ingest_paths
from kscity.store.tables.pipeline import ImportFileRow

BAD = b'{"ocid": "ocds-zz-9", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"value": {"amount": "N/A"}}}'


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _add(kapp: App, path: str, status: str, runner: str | None, progress_at: datetime | None = None,
         size: int | None = None) -> int:
    with kapp.transaction() as s:
        row = ImportFileRow(path=path, source="auto", status=status, started_at=_now(), runner=runner,
                            progress_at=progress_at, size=size)
        s.add(row)
        s.flush()
        return row.id


def _list(s: Session, **options: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page_of_imports(session=s, **options)["imports"]
    return rows


def _totals(s: Session) -> dict[str, int]:
    totals: dict[str, int] = page_of_imports(session=s)["totals"]
    return totals


def test_pages_of_imports_newest_first(loaded_app: App) -> None:
    ids = [_add(loaded_app, f"/data/f{i}.json", "done", None) for i in range(7)]
    with loaded_app.read() as s:
        found = [page_of_imports(session=s, page=p, per_page=3) for p in (1, 2, 3, 4)]
        last = page_of_imports(session=s, page=4, per_page=3, clamp=True)  # past the end: the last page
    assert [[r["id"] for r in f["imports"]] for f in found] == [ids[6:3:-1], ids[3:0:-1], ids[:1], []]
    assert {(f["total"], f["pages"], f["totals"]["files"]) for f in found} == {(7, 3, 7)}
    assert [f["page"] for f in found] == [1, 2, 3, 4] and last["page"] == 3 and [r["id"] for r in last["imports"]] \
        == ids[:1]


def test_running_interrupted_and_resumed(loaded_app: App, tmp_path: Path) -> None:
    good = tmp_path / "one.json"
    good.write_bytes(BAD.replace(b'"N/A"', b"100"))
    dead = "another-host|boot|1|1"  # last progress two hours ago: taken as interrupted
    killed = _add(loaded_app, str(good.resolve()), "running", dead, _now() - timedelta(hours=2), len(good.read_bytes()))
    other = _add(loaded_app, str(good.resolve()), "running", dead, _now() - timedelta(hours=2), 1)  # another file
    live = _add(loaded_app, "/data/live.json", "running", this_runner(), _now())
    with loaded_app.read() as s:
        statuses = {r["id"]: r["status"] for r in _list(s)}
        found = page_of_imports(session=s, problems=True)
        totals = _totals(s)
    assert statuses == {killed: "interrupted", other: "interrupted", live: "running"}
    assert [r["id"] for r in found["imports"]] == [other, killed] and found["total"] == 2
    assert totals["with_problems"] == 2 and totals["running"] == 1
    assert {r["status_name"]["ko"] for r in found["imports"]} == {STATUS_NAMES["interrupted"][1]}
    with loaded_app.read() as s:
        assert [r["id"] for r in running_imports(session=s)] == [live]  # only the one whose process runs
    assert [r["id"] for r in found["running"]] == [live]  # the same, from the page's one look at the processes
    done = ingest_paths(loaded_app, [good])["files"][0]["import_id"]
    with loaded_app.read() as s:
        rows = {r["id"]: r for r in _list(s)}
        assert _totals(s)["with_problems"] == 1  # the other file of that name is not completed
        assert import_detail(session=s, import_id=killed)["resumed_by"] == done
    assert rows[killed]["status"] == "resumed" and rows[killed]["resumed_by"] == done
    assert rows[live]["status"] == "running" and rows[done]["status"] == "done"
    assert rows[other]["status"] == "interrupted" and rows[done]["size"] == len(good.read_bytes())


def test_a_re_run_lists_the_bad_items_it_met(loaded_app: App, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[" + BAD + b"," + BAD.replace(b'"ocds-zz-9"', b'"ocds-zz-8"') + b"]")
    first, again = (ingest_paths(loaded_app, [bad])["files"][0] for _ in range(2))
    assert first["quarantined"] == again["quarantined"] == 2
    with loaded_app.read() as s:
        one = import_detail(session=s, import_id=first["import_id"])
        two = import_detail(session=s, import_id=again["import_id"])
        assert _totals(s)["quarantined"] == 2  # items kept, each once
    assert [x["ocid"] for x in one["quarantine"]] == [x["ocid"] for x in two["quarantine"]] == ["ocds-zz-9",
                                                                                                 "ocds-zz-8"]
    assert {x["kept_by"] for x in one["quarantine"]} == {None}
    assert {x["kept_by"] for x in two["quarantine"]} == {first["import_id"]}  # kept once, under the first
