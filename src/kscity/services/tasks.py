"""The plan's 25 tasks as use cases: list and filter them, show one, update its status and note, summarise.

Tasks live in the plan_task table (loaded from reference/tasks.yaml by `kscity init`); owner and
strategy names and whether a task continues after its due half-year ("2019H2~") come from the
same shipped file. Overdue is decided by kscity.core.roadmap on a day the caller passes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from kscity.core import roadmap
from kscity.errors import InvalidInput, NotFound
from kscity.model.times import utc_naive
from kscity.reference.files import load_owners, load_strategies, load_tasks
from kscity.store.queries import tasks as q
from kscity.store.tables.reference import PlanTaskRow

__all__ = [
    "MAX_NOTE_CHARS",
    "STATUS_LABELS",
    "TASK_STATUSES",
    "list_tasks",
    "owner_names",
    "show_task",
    "strategy_names",
    "task_summary",
    "update_task",
]

TASK_STATUSES = roadmap.TASK_STATUSES
STATUS_LABELS: dict[str, dict[str, str]] = {
    "planned": {"en": "Planned", "ko": "계획"},
    "in_progress": {"en": "In progress", "ko": "추진 중"},
    "done": {"en": "Done", "ko": "완료"},
    "delayed": {"en": "Delayed", "ko": "지연"},
}
MAX_NOTE_CHARS = 2000


@cache
def owner_names() -> dict[str, dict[str, str]]:
    """Owner code → {ko, en} name, in the order of tasks.yaml."""
    return {o.code: {"ko": o.ko, "en": o.en} for o in load_owners()}


@cache
def strategy_names() -> dict[int, dict[str, str]]:
    """Strategy number → {ko, en} name."""
    return {s.id: {"ko": s.ko, "en": s.en} for s in load_strategies()}


@cache
def _continuing() -> frozenset[int]:
    # The table keeps only the half-year; "from then on" is a fact of the shipped file.
    return frozenset(t.number for t in load_tasks() if t.ongoing and t.due)


def _allowed(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _check_status(status: str) -> str:
    if status not in TASK_STATUSES:
        raise InvalidInput(
            f"status must be one of {_allowed(TASK_STATUSES)} (got {status!r})",
            f"status(상태)는 {_allowed(TASK_STATUSES)} 중 하나여야 합니다 (입력값 {status!r})",
            details=[{"field": "status", "allowed": list(TASK_STATUSES), "value": status}])
    return status


def _check_strategy(strategy: int) -> int:
    known = sorted(strategy_names())
    if strategy not in known:
        raise InvalidInput(
            f"strategy must be one of {_allowed(known)} (got {strategy})",
            f"strategy(전략)는 {_allowed(known)} 중 하나여야 합니다 (입력값 {strategy})",
            details=[{"field": "strategy", "allowed": known, "value": strategy}])
    return strategy


def _check_owner(owner: str) -> str:
    code = owner.strip().upper()
    if code not in owner_names():
        raise InvalidInput(
            f"owner must be one of {_allowed(owner_names())} (got {owner!r})",
            f"owner(담당 기관)는 {_allowed(owner_names())} 중 하나여야 합니다 (입력값 {owner!r})",
            details=[{"field": "owner", "allowed": list(owner_names()), "value": owner}])
    return code


def _state(row: PlanTaskRow) -> roadmap.TaskState:
    return roadmap.TaskState(number=row.number, strategy=row.strategy, due=row.due, status=row.status,
                             continuing=row.number in _continuing())


def _as_dict(row: PlanTaskRow, as_of: date) -> dict[str, Any]:
    state = _state(row)
    end = roadmap.due_end(row.due)
    overdue = roadmap.is_overdue(due=row.due, status=row.status, as_of=as_of, continuing=state.continuing)
    names = owner_names()
    return {
        "number": row.number,
        "strategy": row.strategy,
        "strategy_name": strategy_names().get(row.strategy, {"ko": str(row.strategy), "en": str(row.strategy)}),
        "title": {"ko": row.title_ko, "en": row.title_en},
        "due": row.due,
        "due_end": end.isoformat() if end else None,
        "continuing": state.continuing,
        "owners": [{"code": c, "name": names.get(c, {"ko": c, "en": c})} for c in row.owners],
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, {"ko": row.status, "en": row.status}),
        "note": row.note,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "overdue": overdue,
        "days_late": roadmap.days_late(row.due, as_of) if overdue else 0,
    }


def list_tasks(*, session: Session, as_of: date, strategy: int | None = None, owner: str | None = None,
               status: str | None = None, overdue: bool = False) -> list[dict[str, Any]]:
    """Tasks by number, filtered by strategy, owner code, status and (optionally) overdue on `as_of`."""
    strategy = _check_strategy(strategy) if strategy is not None else None
    status = _check_status(status) if status else None
    code = _check_owner(owner) if owner else None
    items = [_as_dict(r, as_of) for r in q.all_tasks(session, strategy=strategy, status=status)
             if code is None or code in r.owners]
    return [t for t in items if t["overdue"]] if overdue else items


def _row(session: Session, number: int) -> PlanTaskRow:
    row = q.task(session, number)
    if row is None:
        raise NotFound(f"no plan task number {number} (the plan has tasks 1–25; run `kscity init` if none)",
                       f"추진과제 {number}번이 없습니다 (과제는 1–25번; 없으면 `kscity init` 실행)")
    return row


def show_task(*, session: Session, number: int, as_of: date) -> dict[str, Any]:
    """One task with its names, due half-year, status, note and whether it is overdue on `as_of`."""
    return _as_dict(_row(session, number), as_of)


def update_task(*, session: Session, number: int, status: str, note: str | None = None,
                now: datetime | None = None) -> dict[str, Any]:
    """Set a task's status (one of the four) and, when given, its note; returns the task as stored."""
    row = _row(session, number)
    # Check every field before touching the row, so a refused update changes nothing.
    _check_status(status)
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"note must be at most {MAX_NOTE_CHARS} characters (got {len(note)})",
                           f"note(메모)는 {MAX_NOTE_CHARS}자 이하여야 합니다 (입력 {len(note)}자)",
                           details=[{"field": "note", "max": MAX_NOTE_CHARS}])
    row.status = status
    if note is not None:
        row.note = note.strip()
    stamp = now or datetime.now(UTC)
    # Stored naive in UTC: the column has no time zone on either backend.
    row.updated_at = utc_naive(stamp)
    session.flush()
    return _as_dict(row, stamp.date())


def task_summary(*, session: Session, as_of: date) -> dict[str, Any]:
    """Counts by strategy × status (zeros included), totals per status, and the overdue tasks on `as_of`."""
    rows = q.all_tasks(session)
    summary = roadmap.summarise((_state(r) for r in rows), as_of=as_of, strategies=strategy_names())
    by_number = {r.number: r for r in rows}
    return {
        "as_of": as_of.isoformat(),
        "statuses": [{"id": s, "label": STATUS_LABELS[s]} for s in TASK_STATUSES],
        "strategies": [{"id": sid, "name": strategy_names().get(sid, {"ko": str(sid), "en": str(sid)}),
                        "counts": dict(counts), "total": sum(counts.values())}
                       for sid, counts in summary.counts.items()],
        "totals": summary.status_totals(),
        "total": summary.total,
        "overdue": [_as_dict(by_number[n], as_of) for n in summary.overdue],
    }
