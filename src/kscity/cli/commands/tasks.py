"""`kscity tasks list|show|update|summary`: the plan's 25 tasks, their status and what is overdue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from kscity.cli.context import OutputFormat, cli_locale, emit, fail, get_app, user_errors
from kscity.services import tasks as svc

sub = typer.Typer(help="The plan's 25 tasks and their progress (추진과제 관리).", no_args_is_help=True)

STATUS_HELP = "planned, in_progress, done or delayed."
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output: text or json.")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Day to judge overdue tasks on (YYYY-MM-DD; default today).")]
Number = Annotated[int, typer.Argument(help="Task number (1-25).")]


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        ko = cli_locale() == "ko"
        fail(f"error: --as-of는 YYYY-MM-DD 형식의 날짜여야 합니다 (입력값 {text!r})" if ko else
             f"error: --as-of must be a date YYYY-MM-DD (got {text!r})")


def _line(t: dict[str, Any], lang: str) -> str:
    owners = "·".join(o["code"] for o in t["owners"])
    flag = ("  ⚠ 기한 경과" if lang == "ko" else "  ⚠ overdue") if t["overdue"] else ""
    due = t["due"] + ("~" if t["continuing"] else "")
    return (f"{t['number']:>3}  [{t['strategy']}] {t['title'][lang]}  ({due}, {owners})  "
            f"{t['status_label'][lang]}{flag}")


def _detail(t: dict[str, Any], lang: str) -> str:
    ko = lang == "ko"
    due = t["due"] + ("~" if t["continuing"] else "")
    lines = [f"{t['number']}. {t['title']['ko']} / {t['title']['en']}",
             f"  {'전략' if ko else 'strategy'}: {t['strategy']}. {t['strategy_name'][lang]}",
             f"  {'기한' if ko else 'due'}: {due}" + (f" (~{t['due_end']})" if t["due_end"] else ""),
             f"  {'담당' if ko else 'owners'}: " + ", ".join(f"{o['code']} ({o['name'][lang]})" for o in t["owners"]),
             f"  {'상태' if ko else 'status'}: {t['status']} ({t['status_label'][lang]})"]
    if t["overdue"]:
        lines.append(f"  {'기한 경과' if ko else 'overdue'}: {t['days_late']} {'일' if ko else 'days'}")
    if t["note"]:
        lines.append(f"  {'메모' if ko else 'note'}: {t['note']}")
    if t["updated_at"]:
        lines.append(f"  {'수정' if ko else 'updated'}: {t['updated_at']}")
    return "\n".join(lines)


@sub.command("list")
def list_cmd(
    strategy: Annotated[int | None, typer.Option(help="Strategy 1-4 (finance, network, co-expansion, Team Korea).")
                        ] = None,
    owner: Annotated[str | None, typer.Option(help="Owner code: MOEF, MOLIT, KOTRA, …")] = None,
    status: Annotated[str | None, typer.Option(help=STATUS_HELP)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only tasks past their due half-year.")] = False,
    as_of: AsOf = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """List the tasks with due half-year, owners, status and overdue flag."""
    day = _day(as_of)
    with user_errors(), get_app().read() as session:
        items = svc.list_tasks(session=session, as_of=day, strategy=strategy, owner=owner, status=status,
                               overdue=overdue)
    lang = cli_locale()
    count = f"{len(items)}건" if lang == "ko" else f"{len(items)} tasks"
    emit(items, fmt, lambda: "\n".join([*(_line(t, lang) for t in items), count]))


@sub.command("show")
def show_cmd(number: Number, as_of: AsOf = None, fmt: FormatOpt = OutputFormat.text) -> None:
    """Show one task: strategy, due half-year, owners, status, note."""
    day = _day(as_of)
    with user_errors(), get_app().read() as session:
        task = svc.show_task(session=session, number=number, as_of=day)
    emit(task, fmt, lambda: _detail(task, cli_locale()))


@sub.command("update")
def update_cmd(
    number: Number,
    status: Annotated[str, typer.Option(help=STATUS_HELP)],
    note: Annotated[str | None, typer.Option(help="Progress note (replaces the old one).")] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Set a task's status and note; exit 2 for an unknown task or status."""
    with user_errors(), get_app().transaction() as session:
        task = svc.update_task(session=session, number=number, status=status, note=note)
    emit(task, fmt, lambda: _detail(task, cli_locale()))


@sub.command("summary")
def summary_cmd(as_of: AsOf = None, fmt: FormatOpt = OutputFormat.text) -> None:
    """Count tasks by strategy and status and list the overdue ones."""
    day = _day(as_of)
    with user_errors(), get_app().read() as session:
        data = svc.task_summary(session=session, as_of=day)
    lang = cli_locale()

    def text() -> str:
        head = f"{'':<44}" + "".join(f"{s['label'][lang]:>12}" for s in data["statuses"])
        rows = [f"{str(r['id']) + '. ' + r['name'][lang]:<44}"[:44]
                + "".join(f"{r['counts'][s['id']]:>12}" for s in data["statuses"]) for r in data["strategies"]]
        title = (f"기한 경과 과제 ({data['as_of']} 기준): {len(data['overdue'])}" if lang == "ko" else
                 f"overdue on {data['as_of']}: {len(data['overdue'])}")
        return "\n".join([head, *rows, "", title, *(_line(t, lang) for t in data["overdue"])])

    emit(data, fmt, text)


def register(app: typer.Typer) -> None:
    """Add `kscity tasks`."""
    app.add_typer(sub, name="tasks")
