"""Half-year due dates, overdue rules and status counts of the plan's tasks (pure; hypothesis for the rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.roadmap import (
    TASK_STATUSES,
    HalfYear,
    TaskState,
    days_late,
    due_end,
    half_year_of,
    is_overdue,
    parse_due,
    summarise,
)

half_years = st.builds(HalfYear, st.integers(1900, 2200), st.sampled_from([1, 2]))
days = st.dates(date(1900, 1, 1), date(2200, 12, 31))
statuses = st.sampled_from(TASK_STATUSES)
dues = st.one_of(st.just("ongoing"), half_years.map(str))
tasks = st.builds(TaskState, number=st.integers(1, 25), strategy=st.integers(1, 4), due=dues, status=statuses,
                  continuing=st.booleans())


@pytest.mark.parametrize(("due", "end"), [("2019H2", date(2019, 12, 31)), ("2020H1", date(2020, 6, 30)),
                                          ("2020h2", date(2020, 12, 31)), ("ongoing", None), (None, None)])
def test_due_end_of_the_plans_half_years(due: str | None, end: date | None) -> None:
    assert due_end(due) == end


@pytest.mark.parametrize("bad", ["2019", "2019H3", "H1", "2019-H1", "soon", ""])
def test_bad_due_values_are_refused_with_the_expected_shape(bad: str) -> None:
    with pytest.raises(ValueError, match="half-year like 2019H2"):
        parse_due(bad)


@given(half_years)
def test_text_round_trip(half: HalfYear) -> None:
    assert parse_due(str(half)) == half


@given(half_years)
def test_a_half_year_ends_the_day_before_the_next_begins(half: HalfYear) -> None:
    assert half.end + timedelta(days=1) == half.next().start
    assert half_year_of(half.start) == half_year_of(half.end) == half
    assert half.start < half.end and half < half.next()


@given(days)
def test_every_day_lies_in_its_half_year(day: date) -> None:
    half = half_year_of(day)
    assert half.start <= day <= half.end


@given(half_years, statuses, st.booleans())
def test_nothing_is_overdue_on_or_before_the_last_day(half: HalfYear, status: str, continuing: bool) -> None:
    assert not is_overdue(due=str(half), status=status, as_of=half.end, continuing=continuing)
    assert not is_overdue(due=str(half), status=status, as_of=half.start, continuing=continuing)


@given(half_years, st.integers(1, 5000))
def test_a_finite_task_not_done_is_overdue_the_day_after(half: HalfYear, later: int) -> None:
    day = half.end + timedelta(days=later)
    assert all(is_overdue(due=str(half), status=s, as_of=day) for s in TASK_STATUSES if s != "done")
    assert not is_overdue(due=str(half), status="done", as_of=day)
    assert days_late(str(half), day) == later


@given(half_years, st.integers(1, 5000))
def test_a_continuing_task_is_overdue_only_until_it_starts(half: HalfYear, later: int) -> None:
    day = half.end + timedelta(days=later)
    late = {s for s in TASK_STATUSES if is_overdue(due=str(half), status=s, as_of=day, continuing=True)}
    assert late == {"planned", "delayed"}


@given(statuses, days, st.booleans())
def test_ongoing_is_never_overdue(status: str, day: date, continuing: bool) -> None:
    assert not is_overdue(due="ongoing", status=status, as_of=day, continuing=continuing)
    assert days_late("ongoing", day) == 0


@given(tasks, days, days)
def test_overdue_never_ends_by_waiting(task: TaskState, first: date, second: date) -> None:
    early, late = sorted((first, second))
    if is_overdue(due=task.due, status=task.status, as_of=early, continuing=task.continuing):
        assert is_overdue(due=task.due, status=task.status, as_of=late, continuing=task.continuing)


@given(st.lists(tasks, max_size=25, unique_by=lambda t: t.number), days)
def test_summary_counts_every_task_once_and_lists_exactly_the_overdue(items: list[TaskState], day: date) -> None:
    summary = summarise(items, as_of=day, strategies=[1, 2, 3, 4])
    assert summary.total == len(items)
    assert set(summary.counts) == {1, 2, 3, 4}
    assert all(set(row) == set(TASK_STATUSES) for row in summary.counts.values())
    for sid, row in summary.counts.items():
        for status, n in row.items():
            assert n == sum(1 for t in items if t.strategy == sid and t.status == status)
    assert sum(summary.status_totals().values()) == len(items)
    expected = sorted(t.number for t in items if is_overdue(due=t.due, status=t.status, as_of=day,
                                                             continuing=t.continuing))
    assert sorted(summary.overdue) == expected
    ends = [due_end(next(t.due for t in items if t.number == n)) for n in summary.overdue]
    assert ends == sorted(ends)  # longest overdue first


def test_summary_refuses_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="task 7: status must be one of planned"):
        summarise([TaskState(7, 2, "2019H2", "finished")], as_of=date(2020, 1, 1))


def test_half_year_checks_its_fields() -> None:
    with pytest.raises(ValueError, match="half must be 1 or 2"):
        HalfYear(2020, 3)
