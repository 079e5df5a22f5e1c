"""Import reports: the list of imported files (paged, or only those that need a look), their totals, and one
file's report with the quarantined items it met.

An import whose process died reads as "interrupted" (services.import_runner), and as "resumed" once a later
import of the same file has completed it; an import still running is not a problem to look at.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from kscity.errors import NotFound
from kscity.model.times import utc_naive
from kscity.services.import_runner import runner_alive
from kscity.store.tables.pipeline import ImportFileRow, QuarantineRow, QuarantineSeenRow

PER_PAGE = 100
# an import's status as people read it, (English, Korean): the pages, the API and the command line all show these
STATUS_NAMES = {"done": ("Done", "완료"), "running": ("Running", "진행 중"), "interrupted": ("Interrupted", "중단됨"),
                "resumed": ("Interrupted, then completed", "중단 후 재실행으로 완료")}
# what an officer does about an interrupted import, (English, Korean)
INTERRUPTED_HINT = ("This import stopped before the end of the file (its process ended). What it stored is kept; "
                    "import the same file again to complete it.",
                    "이 가져오기는 파일 끝까지 가기 전에 멈췄습니다(처리하던 프로세스가 끝났습니다). "
                    "저장된 것은 그대로 있으니 같은 파일을 다시 가져오면 마저 완료됩니다.")


def _running(session: Session) -> set[int]:
    """The imports marked running whose process still runs them (few rows: only unfinished imports)."""
    now = utc_naive()
    rows = session.execute(select(ImportFileRow.id, ImportFileRow.runner, ImportFileRow.progress_at)
                           .where(ImportFileRow.status == "running"))
    return {i for i, runner, at in rows if runner_alive(runner, at, now)}


def _has_problems(running: set[int]) -> ColumnElement[bool]:
    """A file that needs an officer's eye: items quarantined, a file-level error (empty, broken, refused), or an
    import interrupted and not resumed."""
    interrupted = and_(ImportFileRow.status == "running", ImportFileRow.id.not_in(running or [-1]))
    return or_(ImportFileRow.quarantined > 0, func.json_array_length(ImportFileRow.errors) > 0, interrupted)


def page_of_imports(*, session: Session, page: int = 1, per_page: int = PER_PAGE, problems: bool = False,
                    clamp: bool = False) -> dict[str, Any]:
    """A page of import files with their counts, newest first, and the totals of all files; `problems`: only those
    with quarantined items, file errors or an interrupted import (a folder of 681 files hides its three broken
    ones). `total` is how many files the filter matches, `pages` how many pages they fill; `clamp`: a page past
    the last is the last (a page of people's links), not an empty one (the API's); `running`: the imports running
    now (running_imports). Which imports still run is asked once (the process table), for all of these."""
    running = _running(session)
    totals = _totals(session, running)
    total = totals["with_problems"] if problems else totals["files"]
    pages = max(1, ceil(total / per_page))
    page = min(page, pages) if clamp else page
    stmt = select(ImportFileRow).order_by(ImportFileRow.id.desc()).limit(per_page).offset((page - 1) * per_page)
    rows = session.scalars(stmt.where(_has_problems(running)) if problems else stmt).all()
    return {"imports": [_import(r, running) for r in rows], "totals": totals, "total": total, "page": page,
            "pages": pages, "per_page": per_page, "running": _running_rows(session, running)}


def running_imports(*, session: Session) -> list[dict[str, Any]]:
    """The imports running now (their process alive), newest first, with their counts so far: each committed
    batch updates them, so an officer who started a large upload sees it advance."""
    return _running_rows(session, _running(session))


def _running_rows(session: Session, running: set[int]) -> list[dict[str, Any]]:
    if not running:
        return []
    rows = session.scalars(select(ImportFileRow).where(ImportFileRow.id.in_(running)).order_by(ImportFileRow.id.desc()))
    return [_import(r, running) for r in rows]


def _totals(session: Session, running: set[int]) -> dict[str, int]:
    """Every import file's counts summed, how many files have problems and how many imports are running now.
    Quarantined counts the items kept, each once: a re-run meets its file's bad items again, and its report
    counts them again."""
    summed = (ImportFileRow.ingested, ImportFileRow.duplicates, case((_has_problems(running), 1), else_=0))
    files, ingested, duplicates, problems = session.execute(  # one pass over the table
        select(func.count(), *(func.coalesce(func.sum(c), 0) for c in summed)).select_from(ImportFileRow)).one()
    quarantined = session.scalar(select(func.count()).select_from(QuarantineRow))
    return {"files": int(files), "ingested": int(ingested), "quarantined": int(quarantined or 0),
            "duplicates": int(duplicates), "with_problems": int(problems), "running": len(running)}


def _status(r: ImportFileRow, running: set[int]) -> str:
    if r.status == "running" and r.id not in running:
        return "interrupted"
    return r.status


def _import(r: ImportFileRow, running: set[int]) -> dict[str, Any]:
    status = _status(r, running)
    names = STATUS_NAMES.get(status, (status, status))
    return {"id": r.id, "path": r.path, "source": r.source, "format": r.format, "status": status,
            "status_name": {"en": names[0], "ko": names[1]},
            "size": r.size, "items_seen": r.items_seen, "ingested": r.ingested, "quarantined": r.quarantined,
            "duplicates": r.duplicates, "errors": r.errors, "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None, "resumed_by": r.resumed_by}


def import_detail(*, session: Session, import_id: int) -> dict[str, Any]:
    """One import file's report with the quarantined items it met (raw payload or snippet, and reasons); an item
    kept from an earlier import of the same file names that import (`kept_by`)."""
    r = session.get(ImportFileRow, import_id)
    if r is None:
        raise NotFound(f"no import with id {import_id}", f"가져오기 {import_id}번이 없습니다")
    met = select(QuarantineSeenRow.quarantine_id).where(QuarantineSeenRow.file_id == import_id)
    q = session.scalars(select(QuarantineRow).where(QuarantineRow.id.in_(met)).order_by(QuarantineRow.id))
    running = _running(session) if r.status == "running" else set()
    return _import(r, running) | {"quarantine": [
        {"position": x.position, "ocid": x.ocid, "release_id": x.release_id, "reasons": x.reasons,
         "payload": x.payload, "snippet": x.snippet, "kept_by": x.file_id if x.file_id != import_id else None}
        for x in q]}
