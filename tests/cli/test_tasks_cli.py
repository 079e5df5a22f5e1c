"""`kscity tasks list|show|update|summary`: JSON shapes, filters, text in Korean, exit 2 on bad input.

Run in-process through Typer's runner against the `loaded_app` database (SQLite and PostgreSQL):
a subprocess per call would spend most of the time importing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from typer.testing import CliRunner

from kscity.app import App
from kscity.cli import context
from kscity.cli.main import app as cli
from kscity.reference.files import load_tasks

PLAN = {t.number: t for t in load_tasks()}
Run = Callable[..., Result]


def _runner(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    monkeypatch.setenv("KSCITY_DATABASE_URL", url)
    monkeypatch.delenv("KSCITY_LANG", raising=False)
    context.get_app.cache_clear()  # the command builds its App from the environment once per process
    runner = CliRunner()

    def run(*args: str, lang: str | None = None) -> Result:
        return runner.invoke(cli, list(args), env={"KSCITY_LANG": lang} if lang else None)

    yield run
    context.get_app().dispose()
    context.get_app.cache_clear()


@pytest.fixture
def ready(loaded_app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    yield from _runner(loaded_app.settings.database_url, monkeypatch)


@pytest.fixture
def empty(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    yield from _runner(database_url, monkeypatch)


def test_list_filter_update_show_summary(ready: Run) -> None:
    p = ready("tasks", "list", "--format", "json", "--as-of", "2020-03-01")
    assert p.exit_code == 0, p.output
    tasks = json.loads(p.stdout)
    assert [t["number"] for t in tasks] == sorted(PLAN)
    assert {"number", "strategy", "title", "due", "owners", "status", "note", "overdue"} <= set(tasks[0])

    p = ready("tasks", "list", "--strategy", "1", "--owner", "MOEF", "--overdue", "--as-of", "2020-03-01",
              "--format", "json")
    picked = {t["number"] for t in json.loads(p.stdout)}
    assert picked == {n for n, t in PLAN.items() if t.strategy == 1 and "MOEF" in t.owners and t.due == "2019H2"}

    p = ready("tasks", "update", "1", "--status", "done", "--note", "모펀드 결성", "--format", "json")
    assert p.exit_code == 0, p.output
    assert json.loads(p.stdout)["status"] == "done"
    p = ready("tasks", "list", "--status", "done", "--format", "json")
    assert [t["number"] for t in json.loads(p.stdout)] == [1]

    ko = ready("tasks", "show", "1", lang="ko")
    assert ko.exit_code == 0 and PLAN[1].title_ko in ko.stdout and "완료" in ko.stdout and "모펀드 결성" in ko.stdout

    p = ready("tasks", "summary", "--as-of", "2021-01-01", "--format", "json")
    summary = json.loads(p.stdout)
    assert summary["totals"]["done"] == 1 and summary["total"] == len(PLAN)
    assert 1 not in {t["number"] for t in summary["overdue"]}


BAD = [
    (("tasks", "update", "2", "--status", "finished"), "status must be one of planned, in_progress, done, delayed"),
    (("tasks", "update", "26", "--status", "done"), "no plan task number 26"),
    (("tasks", "list", "--owner", "NASA"), "owner must be one of"),
    (("tasks", "list", "--as-of", "2020-13-01"), "--as-of must be a date"),
]


def test_bad_input_exits_2_with_one_line(ready: Run) -> None:
    for args, needle in BAD:
        p = ready(*args)
        assert p.exit_code == 2, args
        assert needle in p.stderr and "Traceback" not in p.stderr, p.stderr
    p = ready("tasks", "show", "2", "--format", "json")
    assert json.loads(p.stdout)["status"] == "planned"  # the refused update changed nothing


def test_without_init_the_database_is_named(empty: Run) -> None:
    p = empty("tasks", "list")
    assert p.exit_code == 2 and "kscity init" in p.stderr and "Traceback" not in p.stderr
