"""`kscity catalogue list|solutions|show|import|export|template`: the alliance catalogue from the shell."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kscity.cli.context import EXIT_REFUSED, OutputFormat, cli_locale, emit, get_app, user_errors

sub = typer.Typer(help="The alliance company and solution catalogue (기업·솔루션 카탈로그).", no_args_is_help=True)


class FileFormat(StrEnum):
    """Export file formats."""

    pdf = "pdf"
    xlsx = "xlsx"
    json = "json"


class Lang(StrEnum):
    """Catalogue languages."""

    ko = "ko"
    en = "en"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output: text or json.")]
Service = Annotated[str | None, typer.Option(help="Service id (energy, transport, …).")]
SubSol = Annotated[str | None, typer.Option("--sub", help="Sub-solution id (transit_card, …).")]
Size = Annotated[str | None, typer.Option(help="large, middle, sme, startup or public.")]
Country = Annotated[str | None, typer.Option(help="Country experience: exported to or deployed in (ISO code).")]
MinTrl = Annotated[int | None, typer.Option("--min-trl", help="Lowest maturity (TRL 1-9).")]
Query = Annotated[str | None, typer.Option("--q", help="Words to find in names and descriptions (ko or en).")]


def _name(item: dict[str, Any]) -> str:
    return str(item["name"]["ko" if cli_locale() == "ko" else "en"])


@sub.command("list")
def list_cmd(service: Service = None, sub_solution: SubSol = None, size: Size = None, country: Country = None,
             min_trl: MinTrl = None, q: Query = None, limit: Annotated[int | None, typer.Option()] = None,
             offset: int = 0, fmt: FormatOpt = OutputFormat.text) -> None:
    """List companies: id, names, size, services, solutions, sample flag."""
    from kscity.services import catalogue as svc

    with user_errors(), get_app().read() as session:
        f = svc.make_filter(service=service, sub_solution=sub_solution, size=size, country=country,
                            min_trl=min_trl, q_text=q)
        items, total = svc.list_companies(session=session, filters=f, limit=limit, offset=offset)

    def text() -> str:
        lines = [f"{i['id']:>6}  {_name(i)}  [{i['size']}]  {', '.join(i['services'])}"
                 + ("  (sample/샘플)" if i["sample"] else "") for i in items]
        return "\n".join([*lines, f"{len(items)} / {total}"])

    emit(items, fmt, text)


@sub.command("solutions")
def solutions_cmd(service: Service = None, sub_solution: SubSol = None, size: Size = None, country: Country = None,
                  min_trl: MinTrl = None, q: Query = None, limit: Annotated[int | None, typer.Option()] = None,
                  offset: int = 0, fmt: FormatOpt = OutputFormat.text) -> None:
    """List solutions with their company."""
    from kscity.services import catalogue as svc

    with user_errors(), get_app().read() as session:
        f = svc.make_filter(service=service, sub_solution=sub_solution, size=size, country=country,
                            min_trl=min_trl, q_text=q)
        items, total = svc.list_solutions(session=session, filters=f, limit=limit, offset=offset)

    def text() -> str:
        lines = [f"{i['id']:>6}  {_name(i)}  [{i['service']}/{i['sub_solution'] or '-'} TRL {i['trl']}]  "
                 f"{_name(i['company'])}" for i in items]
        return "\n".join([*lines, f"{len(items)} / {total}"])

    emit(items, fmt, text)


@sub.command("show")
def show_cmd(company_id: Annotated[int, typer.Argument(help="Company id.")],
             fmt: FormatOpt = OutputFormat.text) -> None:
    """Show one company with its solutions, references and exports."""
    from kscity.services import catalogue as svc

    with user_errors(), get_app().read() as session:
        data = svc.show_company(session=session, company_id=company_id)

    def text() -> str:
        lines = [f"{data['name']['ko']} / {data['name']['en']}" + ("  (sample/샘플)" if data["sample"] else ""),
                 f"brn {data['brn']} · {data['size']} · {data['headquarters']}"]
        for s in data["solutions"]:
            lines.append(f"  - {_name(s)} [{s['service']}/{s['sub_solution'] or '-'} TRL {s['trl']}]")
            lines += [f"      {d['city']} ({d['country']}, {d['year']})" for d in s["deployments"]]
        lines += [f"  export {e['country']} {e['year']}: USD {e['value_usd']:,.0f}" for e in data["exports"]]
        return "\n".join(lines)

    emit(data, fmt, text)


@sub.command("import")
def import_cmd(file: Annotated[Path, typer.Argument(help="XLSX, CSV or JSON file.")],
               dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
               fmt: FormatOpt = OutputFormat.text) -> None:
    """Import companies and solutions all-or-nothing (upsert by registration number); exit 1 when refused."""
    from kscity.services import catalogue as svc

    locale = cli_locale()
    with user_errors(), get_app().transaction() as session:
        if fmt is OutputFormat.text and sys.stderr.isatty():
            from rich.console import Console

            with Console(stderr=True).status(f"{file.name} …"):
                report = svc.import_catalogue(session=session, path=file, dry_run=dry_run)
        else:
            report = svc.import_catalogue(session=session, path=file, dry_run=dry_run)
    data = report.as_dict(locale)

    def text() -> str:
        if report.refused:
            head = f"{file.name}: 가져오기 거부 (오류 {len(report.errors)}건)" if locale == "ko" else \
                f"{file.name}: refused ({len(report.errors)} errors)"
            lines = [head]
            for e in data["errors"]:
                where = ", ".join(x for x in (e["sheet"] and f"sheet {e['sheet']}", e["row"] and f"row {e['row']}",
                                              e["column"] and f"column {e['column']}") if x)
                lines.append(f"  {where}: {e['message']}" if where else f"  {e['message']}")
            return "\n".join(lines)
        verb = ("확인(쓰지 않음)" if locale == "ko" else "checked (nothing written)") if dry_run else \
            ("가져옴" if locale == "ko" else "imported")
        return f"{file.name}: {verb}: new {report.imported}, updated {report.updated}"

    emit(data, fmt, text)
    if report.refused:
        raise typer.Exit(EXIT_REFUSED)


@sub.command("export")
def export_cmd(output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
               file_format: Annotated[FileFormat, typer.Option("--format", help="pdf, xlsx or json.")] = FileFormat.pdf,
               lang: Annotated[Lang, typer.Option(help="Language: ko or en.")] = Lang.ko,
               service: Service = None, sub_solution: SubSol = None, size: Size = None, country: Country = None,
               min_trl: MinTrl = None, q: Query = None) -> None:
    """Export the catalogue as a printable PDF, the XLSX template or JSON."""
    from kscity.services import catalogue as svc

    with user_errors(), get_app().read() as session:
        f = svc.make_filter(service=service, sub_solution=sub_solution, size=size, country=country,
                            min_trl=min_trl, q_text=q)
        n = svc.export_catalogue(session=session, fmt=file_format.value, lang=lang.value, output=output, filters=f)
    sys.stdout.write(f"{output}: {n} companies ({file_format.value}, {lang.value})\n")


@sub.command("template")
def template_cmd(output: Annotated[Path, typer.Option("--output", "-o", help="XLSX file to write.")],
                 lang: Annotated[Lang, typer.Option(help="Header language: ko or en.")] = Lang.ko) -> None:
    """Write the empty import template (sheets, headers and a guide sheet)."""
    from kscity.services import catalogue as svc

    with user_errors():
        svc.write_template(output=output, lang=lang.value)
    sys.stdout.write(f"{output}\n")


def register(app: typer.Typer) -> None:
    """Add `kscity catalogue`."""
    app.add_typer(sub, name="catalogue")
