"""The plan's schedule as pure date logic: half-years ("2019H2"), due dates, overdue tasks, status counts.

A due half-year ends on its last day (H1: 30 June, H2: 31 December); a task is overdue on the
days after that while it is not done. "ongoing" (the plan's 계속) has no end and is never
overdue. A task that starts in a half-year and then continues (the plan's "2019H2~") cannot be
finished, so it is overdue only while it has still not started (planned or delayed) after that
half-year. No clock here: the shells pass the day in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from kscity.reference.records import TASK_STATUSES, TaskStatus

__all__ = [
    "ONGOING",
    "TASK_STATUSES",
    "HalfYear",
    "RoadmapSummary",
    "TaskState",
    "TaskStatus",
    "days_late",
    "due_end",
    "half_year_of",
    "is_overdue",
    "parse_due",
    "summarise",
]

ONGOING: Final = "ongoing"
_HALF_YEAR = re.compile(r"(\d{4})H([12])")
# A continuing task that has started (or finished) is on schedule: it has no end to miss.
_NOT_STARTED: Final[frozenset[str]] = frozenset({"planned", "delayed"})


@dataclass(frozen=True, order=True)
class HalfYear:
    """A calendar half-year: H1 is January–June, H2 is July–December."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, got {self.half}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be between 1 and 9999, got {self.year}")

    @property
    def start(self) -> date:
        """The first day of the half-year."""
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        """The last day of the half-year (30 June or 31 December)."""
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> HalfYear:
        """The half-year that follows this one."""
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"


def parse_due(text: str | None) -> HalfYear | None:
    """The half-year a due value names ('2019H2'), or None for 'ongoing'; ValueError for anything else."""
    if text is None or text.strip().lower() == ONGOING:
        return None
    match = _HALF_YEAR.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"due must be a half-year like 2019H2 or 'ongoing', got {text!r}")
    return HalfYear(int(match.group(1)), int(match.group(2)))


def half_year_of(day: date) -> HalfYear:
    """The half-year a day falls in."""
    return HalfYear(day.year, 1 if day.month <= 6 else 2)


def due_end(text: str | None) -> date | None:
    """The last day of a due half-year, or None when the task is ongoing."""
    half = parse_due(text)
    return None if half is None else half.end


def is_overdue(*, due: str | None, status: str, as_of: date, continuing: bool = False) -> bool:
    """Whether a task is past its due half-year on `as_of` without being done (or, if continuing, started)."""
    end = due_end(due)
    if end is None or as_of <= end:
        return False
    return status in _NOT_STARTED if continuing else status != "done"


@dataclass(frozen=True)
class TaskState:
    """What the schedule needs to know about one task."""

    number: int
    strategy: int
    due: str | None
    status: str
    continuing: bool = False


@dataclass(frozen=True)
class RoadmapSummary:
    """Counts by strategy × status (every status present, zeros included) and the overdue tasks."""

    as_of: date
    counts: Mapping[int, Mapping[str, int]]
    overdue: tuple[int, ...]

    @property
    def total(self) -> int:
        """Number of tasks counted."""
        return sum(sum(row.values()) for row in self.counts.values())

    def status_totals(self) -> dict[str, int]:
        """Tasks per status over all strategies."""
        return {s: sum(row.get(s, 0) for row in self.counts.values()) for s in TASK_STATUSES}


def _overdue_order(task: TaskState) -> tuple[date, int]:
    end = due_end(task.due)
    assert end is not None  # only called on overdue tasks, which have a due half-year
    return end, task.number


def summarise(tasks: Iterable[TaskState], *, as_of: date, strategies: Iterable[int] = ()) -> RoadmapSummary:
    """Count tasks by strategy and status and list the overdue ones (longest overdue first, then by number)."""
    counts: dict[int, dict[str, int]] = {s: dict.fromkeys(TASK_STATUSES, 0) for s in strategies}
    overdue: list[TaskState] = []
    for task in tasks:
        if task.status not in TASK_STATUSES:
            raise ValueError(f"task {task.number}: status must be one of {', '.join(TASK_STATUSES)}, "
                             f"got {task.status!r}")
        row = counts.setdefault(task.strategy, dict.fromkeys(TASK_STATUSES, 0))
        row[task.status] += 1
        if is_overdue(due=task.due, status=task.status, as_of=as_of, continuing=task.continuing):
            overdue.append(task)
    ordered = dict(sorted(counts.items()))
    return RoadmapSummary(as_of=as_of, counts=ordered,
                          overdue=tuple(t.number for t in sorted(overdue, key=_overdue_order)))


def days_late(due: str | None, as_of: date) -> int:
    """Days since the due half-year ended (0 when not yet ended or ongoing)."""
    end = due_end(due)
    return max(0, (as_of - end) // timedelta(days=1)) if end is not None else 0
