"""`kscity country QUERY` (the one-stop profile) and `kscity countries` (the filtered list)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kscity.cli.context import OutputFormat, cli_locale, emit, read_session


def _text(p: dict[str, Any], locale: str) -> str:
    ko = locale == "ko"
    name = p["name"]["ko"] if ko else p["name"]["en"]
    k = p["korea"]
    risk = p["oecd_risk"] if p["oecd_risk"] is not None else p["oecd_status"]
    lines = [
        f"{name} ({p['iso3']})",
        f"  {'소득그룹' if ko else 'Income group'}: {p['income_group'] or '-'}   "
        f"{'OECD 국가신용도' if ko else 'OECD risk'}: {risk}",
        f"  {'솔루션 수준' if ko else 'Solution level'}: "
        f"{p['business_environment']['solution_level']['reason']['ko' if ko else 'en']}",
        f"  MOU: {k['mou'] or '-'}   KOTRA: {k['kotra_centre'] or '-'}   KIND: {'O' if k['kind_centre'] else '-'}",
        f"  {'지원 수단' if ko else 'Support'}:",
    ]
    for s in p["support"]:
        mark = "✔" if s["eligible"] else "✘"
        lines.append(f"    {mark} {s['reason_ko'] if ko else s['reason']}")
    if p["reference_cases"]:
        lines.append(f"  {'참고 사례' if ko else 'Reference cases'}:")
        lines += [f"    - {c['name_ko'] if ko else c['name']}" for c in p["reference_cases"]]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add country and countries."""

    @app.command()
    def country(
        query: Annotated[str, typer.Argument(help="ISO2, ISO3, English or Korean name (e.g. KEN, Kenya, 케냐).")],
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """The one-stop profile of a country; unknown or ambiguous names exit 2 with the closest candidates."""
        from kscity.services.countries import country_profile

        with read_session() as session:
            profile = country_profile(session=session, query=query)
        emit(profile, fmt, lambda: _text(profile, cli_locale()))

    @app.command()
    def countries(
        q: Annotated[str | None, typer.Option("--q", help="Text in the name or code.")] = None,
        group: Annotated[str | None, typer.Option(help="Plan group: new_southern, new_northern, middle_east, "
                                                      "latin_america, africa, developed.")] = None,
        income: Annotated[str | None, typer.Option(help="Income group: L, LM, UM, H.")] = None,
        presence: Annotated[str | None, typer.Option(help="Korean presence: any, mou, kotra, kind, training.")] = None,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """List countries with filters."""
        from kscity.services.countries import list_countries

        with read_session() as session:
            rows = list_countries(session=session, q_text=q, plan_group=group, income_group=income,
                                  presence=presence)
        emit(rows, fmt, lambda: "\n".join(
            f"{r['iso3']}  {r['name']['en']:<36} {r['name']['ko']:<16} {r['income_group'] or '-':<3} "
            f"{r['oecd_risk'] if r['oecd_risk'] is not None else '-'}" for r in rows))
