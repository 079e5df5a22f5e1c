"""Import reports: the list of imported files (paged, or only those that need a look), their totals, and one
file's report with the quarantined items it met.

An import whose process died reads as "interrupted" (services.import_runner), and as "resumed" once a later
import of the same file has completed it; an import still running is not a problem to look at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from kscity.errors import NotFound
from kscity.services.import_runner import runner_alive
from kscity.store.tables.pipeline import ImportFileRow, QuarantineRow, QuarantineSeenRow

PER_PAGE = 100


def _running(session: Session) -> set[int]:
    """The imports marked running whose process still runs them (few rows: only unfinished imports)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = session.execute(select(ImportFileRow.id, ImportFileRow.runner, ImportFileRow.progress_at)
                           .where(ImportFileRow.status == "running"))
    return {i for i, runner, at in rows if runner_alive(runner, at, now)}


def _has_problems(running: set[int]) -> ColumnElement[bool]:
    """A file that needs an officer's eye: items quarantined, a file-level error (empty, broken, refused), or an
    import interrupted and not resumed."""
    interrupted = and_(ImportFileRow.status == "running", ImportFileRow.id.not_in(running or [-1]))
    return or_(ImportFileRow.quarantined > 0, func.json_array_length(ImportFileRow.errors) > 0, interrupted)


def list_imports(*, session: Session, page: int = 1, per_page: int = PER_PAGE,
                 problems: bool = False) -> list[dict[str, Any]]:
    """Import files with their counts, newest first, a page at a time; `problems`: only those with quarantined
    items, file errors or an interrupted import (a folder of 681 files hides its three broken ones)."""
    running = _running(session)
    stmt = select(ImportFileRow).order_by(ImportFileRow.id.desc()).limit(per_page).offset((page - 1) * per_page)
    rows = session.scalars(stmt.where(_has_problems(running)) if problems else stmt).all()
    return [_import(r, running) for r in rows]


def import_totals(*, session: Session) -> dict[str, int]:
    """Every import file's counts summed, how many files have problems (list_imports(problems=True)) and how many
    imports are running now. Quarantined counts the items kept, each once: a re-run meets its file's bad items
    again, and its report counts them again."""
    running = _running(session)
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
    return {"id": r.id, "path": r.path, "source": r.source, "format": r.format, "status": _status(r, running),
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
