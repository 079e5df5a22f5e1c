"""`kscity match opportunity|firm`: Korean firms for an opportunity, opportunities for a firm."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from kscity.cli.context import OutputFormat, cli_locale, emit, get_app, pad, user_errors

sub = typer.Typer(help="Match firms and opportunities (기업·사업 기회 매칭).", no_args_is_help=True)
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output: text or json.")]
Limit = Annotated[int, typer.Option("--limit", help="How many results (1-500).")]


def _why(item: dict[str, Any]) -> str:
    return str(item["explanation"]["ko" if cli_locale() == "ko" else "en"])


def _firm(item: dict[str, Any]) -> str:
    return str(item.get("firm_ko") or item["firm"]) if cli_locale() == "ko" else str(item["firm"])


@sub.command("opportunity")
def opportunity_cmd(ocid: Annotated[str, typer.Argument(help="The opportunity's ocid.")], limit: Limit = 10,
                    fmt: FormatOpt = OutputFormat.text) -> None:
    """Catalogue firms for an opportunity, best first, with the reasons."""
    from kscity.services.matching import firms_for_opportunity

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.read() as session:
            items = firms_for_opportunity(session=session, ocid=ocid, limit=limit)
    emit(items, fmt, lambda: "\n".join(f"{r['score']:.3f}  {r['firm_id']:>5}  {pad(_firm(r)[:40], 40)} {_why(r)}"
                                       for r in items) or "(no firms in the catalogue)")


@sub.command("firm")
def firm_cmd(firm_id: Annotated[str, typer.Argument(help="The firm's catalogue id.")], limit: Limit = 10,
             fmt: FormatOpt = OutputFormat.text) -> None:
    """Stored opportunities for a catalogue firm, best first, with the reasons."""
    from kscity.services.matching import opportunities_for_firm

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.read() as session:
            res = opportunities_for_firm(session=session, firm_id=firm_id, limit=limit)
    if res.reason_en:  # an empty answer is not an error, but say why
        sys.stderr.write((res.reason_ko if cli_locale() == "ko" else res.reason_en) + "\n")
    emit(res.items, fmt, lambda: "\n".join(f"{r['score']:.3f}  {r['ocid'][:40]:<40} {r['title'][:50]:<50} {_why(r)}"
                                           for r in res.items))


def register(app: typer.Typer) -> None:
    """Add `kscity match`."""
    app.add_typer(sub, name="match")
