"""The tasks service on SQLite and PostgreSQL: list and filter, show, update, summary, clear refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.reference.files import load_tasks
from kscity.services import tasks as svc

PLAN = {t.number: t for t in load_tasks()}
MID_2020 = date(2020, 3, 1)  # after 2019H2 ended, before 2020H1 ends


def test_all_25_tasks_with_names_from_the_plan_and_filters(loaded_app: App) -> None:
    with loaded_app.read() as s:
        items = svc.list_tasks(session=s, as_of=MID_2020)
    assert [t["number"] for t in items] == sorted(PLAN)
    for t in items:
        plan = PLAN[t["number"]]
        assert t["title"] == {"ko": plan.title_ko, "en": plan.title_en}
        assert [o["code"] for o in t["owners"]] == list(plan.owners)
        assert all(o["name"]["ko"] and o["name"]["en"] for o in t["owners"])
        assert t["due"] == (plan.due or "ongoing") and t["continuing"] == bool(plan.ongoing and plan.due)
        assert t["status"] == "planned"
    # Filters combine.
    with loaded_app.read() as s:
        network = svc.list_tasks(session=s, as_of=MID_2020, strategy=2)
        kotra = svc.list_tasks(session=s, as_of=MID_2020, owner="kotra")
        overdue = svc.list_tasks(session=s, as_of=MID_2020, overdue=True)
        both = svc.list_tasks(session=s, as_of=MID_2020, strategy=2, overdue=True)
    assert {t["number"] for t in network} == {n for n, t in PLAN.items() if t.strategy == 2}
    assert {t["number"] for t in kotra} == {n for n, t in PLAN.items() if "KOTRA" in t.owners}
    # On 2020-03-01 only 2019H2 tasks can be late; none has started yet.
    assert {t["number"] for t in overdue} == {n for n, t in PLAN.items() if t.due == "2019H2"}
    assert {t["number"] for t in both} == {t["number"] for t in network} & {t["number"] for t in overdue}
    assert all(t["days_late"] == (MID_2020 - date(2019, 12, 31)).days for t in overdue)


def test_update_then_show_and_filter_by_status(loaded_app: App) -> None:
    stamp = datetime(2020, 2, 3, 4, 5, tzinfo=UTC)
    with loaded_app.transaction() as s:
        out = svc.update_task(session=s, number=1, status="done", note="  fund signed 06-27 ", now=stamp)
    assert out["status"] == "done" and out["note"] == "fund signed 06-27" and out["overdue"] is False
    with loaded_app.transaction() as s:  # a status change alone keeps the note
        svc.update_task(session=s, number=1, status="in_progress", now=stamp)
    with loaded_app.read() as s:
        shown = svc.show_task(session=s, number=1, as_of=MID_2020)
        in_progress = svc.list_tasks(session=s, as_of=MID_2020, status="in_progress")
    assert shown["note"] == "fund signed 06-27" and shown["updated_at"] == "2020-02-03T04:05:00"
    assert shown["overdue"] is True  # in progress but past 2019H2
    assert [t["number"] for t in in_progress] == [1]
    # A task that continues after its half-year is late only until it starts.
    number = next(n for n, t in PLAN.items() if t.ongoing and t.due == "2019H2")
    with loaded_app.read() as s:
        assert svc.show_task(session=s, number=number, as_of=MID_2020)["overdue"] is True
    with loaded_app.transaction() as s:
        svc.update_task(session=s, number=number, status="in_progress")
    with loaded_app.read() as s:
        assert svc.show_task(session=s, number=number, as_of=MID_2020)["overdue"] is False


def test_summary_counts_and_overdue(loaded_app: App) -> None:
    with loaded_app.transaction() as s:
        svc.update_task(session=s, number=4, status="done")
        svc.update_task(session=s, number=6, status="delayed")
    with loaded_app.read() as s:
        summary = svc.task_summary(session=s, as_of=date(2020, 7, 1))
    assert summary["total"] == len(PLAN)
    rows = {r["id"]: r["counts"] for r in summary["strategies"]}
    assert rows[1]["done"] == 1 and rows[2]["delayed"] == 1
    assert summary["totals"] == {"planned": len(PLAN) - 2, "in_progress": 0, "done": 1, "delayed": 1}
    late = [t["number"] for t in summary["overdue"]]
    assert 4 not in late and 6 in late and not {20, 23} & set(late)  # done; delayed; ongoing
    assert [t["due"] for t in summary["overdue"]] == sorted(t["due"] for t in summary["overdue"])


def test_refusals_name_the_field_and_allowed_values(loaded_app: App) -> None:
    with loaded_app.transaction() as s:
        with pytest.raises(InvalidInput, match="status must be one of planned, in_progress, done, delayed") as exc:
            svc.update_task(session=s, number=2, status="finished", note="x")
        assert "상태" in exc.value.message_ko
        with pytest.raises(NotFound, match="no plan task number 26"):
            svc.update_task(session=s, number=26, status="done")
        with pytest.raises(InvalidInput, match="note must be at most"):
            svc.update_task(session=s, number=2, status="done", note="x" * (svc.MAX_NOTE_CHARS + 1))
        with pytest.raises(InvalidInput, match="strategy must be one of 1, 2, 3, 4"):
            svc.list_tasks(session=s, as_of=MID_2020, strategy=5)
        with pytest.raises(InvalidInput, match="owner must be one of MOEF"):
            svc.list_tasks(session=s, as_of=MID_2020, owner="NASA")
        with pytest.raises(NotFound):
            svc.show_task(session=s, number=0, as_of=MID_2020)
    with loaded_app.read() as s:  # refused updates changed nothing
        task = svc.show_task(session=s, number=2, as_of=MID_2020)
    assert task["status"] == "planned" and task["note"] == ""


def test_empty_database_lists_nothing(kapp: App) -> None:
    with kapp.read() as s:
        assert svc.list_tasks(session=s, as_of=MID_2020) == []
        assert svc.task_summary(session=s, as_of=MID_2020)["total"] == 0
