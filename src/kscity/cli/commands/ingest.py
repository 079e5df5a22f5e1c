"""`kscity ingest PATH...`, `kscity opportunities`, `kscity opportunity OCID` and `kscity imports`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kscity.cli.context import OutputFormat, emit, get_app, read_session, user_errors


def _progress_printer(fmt: OutputFormat) -> Any:
    if fmt is OutputFormat.json or not sys.stderr.isatty():
        return None

    def show(path: str, seen: int) -> None:
        sys.stderr.write(f"\r{Path(path).name}: {seen:,} items")
        sys.stderr.flush()
    return show


def register(app: typer.Typer) -> None:
    """Add ingest, opportunities, opportunity and imports."""

    @app.command()
    def ingest(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders: OCDS JSON (.json/.jsonl/.gz/.zip), "
                                                         "TED XML, CSV/XLSX lists.")],
        source: Annotated[str | None, typer.Option(help="Source name (default: detected).")] = None,
        schema: Annotated[Path | None, typer.Option(help="OCDS release-schema.json for full-schema validation.")
                          ] = None,
        mapping: Annotated[Path | None, typer.Option(help="YAML column mapping for CSV/XLSX lists.")] = None,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """Ingest notices; bad items are quarantined with reasons, the rest land. Re-running adds nothing."""
        from kscity.services.ingest import ingest_paths

        kapp = get_app()
        with user_errors():
            kapp.check_database()
            report = ingest_paths(kapp, paths, source=source, schema_path=schema, mapping_path=mapping,
                                  progress=_progress_printer(fmt))
        if _progress_printer(fmt):
            sys.stderr.write("\n")
        emit(report, fmt, lambda: "\n".join(
            f"{f['path']}: {f['format']}, {f['ingested']} ingested, {f['quarantined']} quarantined, "
            f"{f['duplicates']} duplicates" + "".join(f"\n  ! {e['where']}: {e['message']}" for e in f["errors"])
            for f in report["files"]))

    @app.command()
    def opportunities(
        country: Annotated[str | None, typer.Option(help="ISO3 country code.")] = None,
        service: Annotated[str | None, typer.Option(help="Service id, 'smart_city' (any of the seven) or "
                                                         "'not_smart_city'.")] = None,
        stage: Annotated[str | None, typer.Option(help="planning, tender, award, contract, implementation.")] = None,
        open_only: Annotated[bool, typer.Option("--open", help="Only tenders whose deadline is ahead.")] = False,
        q: Annotated[str | None, typer.Option("--q", help="Words in title, description, buyer or codes.")] = None,
        sort: Annotated[str, typer.Option(help="deadline, value, published or title.")] = "deadline",
        limit: Annotated[int, typer.Option(help="How many to show.")] = 1000,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """List opportunities with filters."""
        from kscity.errors import InvalidInput
        from kscity.services.opportunities import search_opportunities

        kapp = get_app()
        with user_errors():
            if sort not in ("deadline", "value", "published", "title"):
                raise InvalidInput(f"--sort must be deadline, value, published or title; got '{sort}'")
            kapp.check_database()
            with kapp.read() as session:
                res = search_opportunities(session=session, country=country, service=service, stage=stage,
                                           open_only=open_only, q=q, sort=sort, per_page=max(1, min(limit, 1000)))  # type: ignore[arg-type]
        items = res["items"]
        emit(items, fmt, lambda: "\n".join(
            f"{o['ocid'][:40]:<40} {o['country'] or '-':<3} {o['service']:<15} {o['stage']:<10} "
            f"{(o['value_usd'] or 0):>14,.0f} {o['title'][:60]}" for o in items) + f"\n({res['total']} in all)")

    @app.command()
    def opportunity(
        ocid: Annotated[str, typer.Argument(help="The opportunity's ocid (or any linked notice's).")],
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """One opportunity with its sources, classification evidence, items and documents."""
        from kscity.services.opportunities import opportunity_detail

        with read_session() as session:
            d = opportunity_detail(session=session, ocid=ocid)
        emit(d, fmt, lambda: "\n".join([
            f"{d['title']}", f"  {d['ocid']}  {d['country']}  {d['stage']}  {d['value_usd']} USD",
            f"  service: {d['service']} / {d['sub_solution']}  ({d['classification']['score']})",
            *[f"    evidence: {e}" for e in d["classification"]["evidence"]],
            *[f"  source: {s['source']} {s['id']}" for s in d["linked"]]]))

    imports = typer.Typer(help="Import reports and quarantined items.", no_args_is_help=True)
    app.add_typer(imports, name="imports")

    @imports.command("list")
    def imports_list(fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text) -> None:
        """Recent imported files with their counts."""
        from kscity.services.opportunities import list_imports

        with read_session() as session:
            rows = list_imports(session=session)
        emit(rows, fmt, lambda: "\n".join(
            f"{r['id']:>5} {r['status']:<8} {r['format']:<22} {r['ingested']:>6} ok {r['quarantined']:>5} bad "
            f"{r['duplicates']:>5} dup  {r['path']}" for r in rows))

    @imports.command("show")
    def imports_show(
        import_id: Annotated[int, typer.Argument(help="Import file id (see `kscity imports list`).")],
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """One import's report and its quarantined items with reasons."""
        from kscity.services.opportunities import import_detail

        with read_session() as session:
            d = import_detail(session=session, import_id=import_id)
        emit(d, fmt, lambda: "\n".join(
            [f"{d['path']}: {d['format']}, {d['ingested']} ingested, {d['quarantined']} quarantined"]
            + [f"  {x['position']} {x['ocid'] or ''}: " + "; ".join(r["message"] for r in x["reasons"])
               for x in d["quarantine"]]))
