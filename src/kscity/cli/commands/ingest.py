"""`kscity ingest PATH...`, `kscity opportunities`, `kscity opportunity OCID` and `kscity imports`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kscity.cli.context import OutputFormat, cli_locale, emit, get_app, pad, read_session, user_errors


def _progress_printer(fmt: OutputFormat) -> Any:
    if fmt is OutputFormat.json or not sys.stderr.isatty():
        return None

    def show(path: str, seen: int) -> None:
        sys.stderr.write(f"\r{Path(path).name}: {seen:,} items")
        sys.stderr.flush()
    return show


def _message(error: dict[str, Any], ko: bool) -> str:
    """An error's message in the user's language (reports stored before Korean was kept have English only)."""
    return str(error.get("message_ko") or error["message"]) if ko else str(error["message"])


def _format(fmt: str | None, ko: bool) -> str:
    """A file's format in the reader's language (ingest.format_names)."""
    from kscity.ingest.format_names import format_text  # not at start-up: kscity.ingest loads the whole reader

    return format_text(fmt, "ko" if ko else "en")


def _counts(f: dict[str, Any], ko: bool) -> str:
    if ko:
        return (f"{_format(f['format'], ko)}, 적재 {f['ingested']:,}건, 격리 {f['quarantined']:,}건, "
                f"중복 {f['duplicates']:,}건")
    return (f"{_format(f['format'], ko)}, {f['ingested']:,} ingested, {f['quarantined']:,} quarantined, "
            f"{f['duplicates']:,} duplicates")


def ingest_text(report: dict[str, Any], ko: bool, quiet: bool = False) -> str:
    """The ingest report as text: a line per file (with quiet, only files with errors), then the totals."""
    files = report["files"]
    lines = []
    for f in files:
        if quiet and not f["errors"]:
            continue
        lines.append(f"{f['path']}: {_counts(f, ko)}")
        lines += [f"  ! {e['where']}: {_message(e, ko)}" for e in f["errors"]]
    total = {k: sum(f[k] for f in files) for k in ("ingested", "quarantined", "duplicates")}
    failed = sum(1 for f in files if f["errors"])
    hint = " (kscity imports list --problems)" if total["quarantined"] or failed else ""
    if ko:
        lines.append(f"파일 {len(files):,}개: 적재 {total['ingested']:,}건, 격리 {total['quarantined']:,}건, "
                     f"중복 {total['duplicates']:,}건; 오류가 있는 파일 {failed:,}개{hint}")
    else:
        lines.append(f"{len(files):,} files: {total['ingested']:,} ingested, {total['quarantined']:,} quarantined, "
                     f"{total['duplicates']:,} duplicates; {failed:,} files with errors{hint}")
    return "\n".join(lines)


def _closing(o: dict[str, Any], ko: bool) -> str:
    """An opportunity's deadline and whether it is open: '2026-12-08 D-10', '2026-11-25 closed', or '-'."""
    if not o.get("deadline"):
        return "-"
    day = o["deadline"][:10]
    if o.get("open"):
        return f"{day} D-{o['days_left']}" if o["days_left"] else f"{day} {'오늘 마감' if ko else 'today'}"
    return f"{day} {'마감됨' if ko else 'closed'}"


def opportunities_text(items: list[dict[str, Any]], total: int, ko: bool) -> str:
    """Opportunities as a table: ocid, country, service, stage, value in USD, deadline, title; then how many in
    all."""
    head = ("ocid", "국가" if ko else "cty", "서비스" if ko else "service", "단계" if ko else "stage",
            "금액(USD)" if ko else "value (USD)", "마감" if ko else "deadline", "제목" if ko else "title")
    lines = [f"{head[0]:<40} {pad(head[1], 4)} {pad(head[2], 15)} {pad(head[3], 10)} {pad(head[4], 14, right=True)} "
             f"{pad(head[5], 18)} {head[6]}"]
    lines += [f"{o['ocid'][:40]:<40} {o['country'] or '-':<4} {o['service']:<15} {o['stage']:<10} "
              f"{'-' if o['value_usd'] is None else format(o['value_usd'], ',.0f'):>14} {pad(_closing(o, ko), 18)} "
              f"{o['title'][:60]}"
              for o in items]
    lines.append(f"(전체 {total:,}건, {len(items):,}건 표시)" if ko else f"({total:,} in all, {len(items):,} shown)")
    return "\n".join(lines)


def opportunity_text(d: dict[str, Any], names: dict[str, tuple[str, str]], ko: bool) -> str:
    """One opportunity: identity, classification with its evidence, linked sources, then its timeline."""
    from kscity.services.evidence_text import evidence_lines, solution_label
    from kscity.services.opportunities import STAGE_NAMES

    locale = "ko" if ko else "en"
    value = f"{d['value_usd']:,.0f} USD" if d.get("value_usd") else ("금액 미상" if ko else "value unknown")
    c = d["classification"]
    service = solution_label("/".join(i for i in (d["service"], d["sub_solution"]) if i), names, locale)
    why = evidence_lines(c["evidence"], names, locale)
    stage = STAGE_NAMES.get(d["stage"], (d["stage"], d["stage"]))[1 if ko else 0]
    return "\n".join([
        f"{d['title']}", f"  {d['ocid']}  {d['country'] or '-'}  {stage}  {value}",
        f"  {'서비스' if ko else 'service'}: {service}  ({c['score']})",
        *[f"    {'근거' if ko else 'evidence'}: {e}" for e in why],
        *[f"  {'출처' if ko else 'source'}: {s['source']} {s['id']}" for s in d["linked"]],
        *([f"  {'추진 경과' if ko else 'timeline'}:"] if d.get("timeline") else []),
        *[f"    {e['date']}  {e['label'][locale]}" + (f": {e['detail'][locale]}" if e["detail"][locale] else "")
          for e in d.get("timeline") or []]])


def _status_name(row: dict[str, Any], ko: bool) -> str:
    names = row.get("status_name") or {}
    return str(names.get("ko" if ko else "en") or row["status"])


def _hint(ko: bool) -> str:
    from kscity.services.imports import INTERRUPTED_HINT

    return INTERRUPTED_HINT[1 if ko else 0]


def imports_text(found: dict[str, Any], ko: bool) -> str:
    """A page of imported files (services.imports.page_of_imports): id, status, format, counts, path, then which files
    of how many these are; an interrupted import says how to complete it."""
    rows: list[dict[str, Any]] = found["imports"]
    if not rows and found["total"]:  # a page past the last
        return (f"{found['page']:,}쪽에는 파일이 없습니다 (전체 {found['total']:,}개, {found['pages']:,}쪽)." if ko else
                f"No files on page {found['page']:,} ({found['total']:,} files, {found['pages']:,} pages).")
    if not rows:
        return "가져온 파일이 없습니다." if ko else "No imported files yet."
    ok, bad, dup = ("적재", "격리", "중복") if ko else ("ok", "bad", "dup")
    lines = [f"{r['id']:>5} {pad(_status_name(r, ko), 11)} {pad(_format(r['format'], ko), 26)} {r['ingested']:>6} {ok} "
             f"{r['quarantined']:>5} {bad} {r['duplicates']:>5} {dup}  {r['path']}" for r in rows]
    first = (found["page"] - 1) * found["per_page"] + 1
    last, total, more = first + len(rows) - 1, found["total"], found["page"] < found["pages"]
    following = f"; {'다음' if ko else 'next'}: --page {found['page'] + 1}" if more else ""
    lines.append((f"전체 {total:,}개 중 {first:,}–{last:,}번째 파일(최근 순)" if ko else
                  f"Files {first:,}–{last:,} of {total:,}, newest first") + following)
    if any(r["status"] == "interrupted" for r in rows):
        lines.append(_hint(ko) + (" (kscity ingest 파일)" if ko else " (kscity ingest FILE)"))
    return "\n".join(lines)


def _kept_since(import_id: int, ko: bool) -> str:
    return f" (가져오기 {import_id}번부터 격리)" if ko else f" (kept since import {import_id})"


def import_text(d: dict[str, Any], ko: bool) -> str:
    """One import's counts, file-level errors and quarantined items with their reasons."""
    from kscity.ingest.positions import position_text  # not at start-up: it loads the whole reader

    lines = [f"{d['path']}: {_counts(d, ko)}; {_status_name(d, ko)}"]
    if d["status"] == "interrupted":
        lines.append("  " + _hint(ko))
    elif d["status"] == "resumed" and d.get("resumed_by"):
        lines.append(f"  가져오기 {d['resumed_by']}번이 마저 완료했습니다." if ko else
                     f"  completed by import {d['resumed_by']}.")
    lines += [f"  ! {e['where']}: {_message(e, ko)}" for e in d.get("errors") or []]
    lines += [f"  {position_text(x['position'], 'ko' if ko else 'en')} {x['ocid'] or ''}: "
              + "; ".join(_message(r, ko) for r in x["reasons"])
              + (_kept_since(x["kept_by"], ko) if x.get("kept_by") else "")
              for x in d["quarantine"]]
    return "\n".join(lines)


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
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Text: only the files with errors, and the "
                                                                  "totals.")] = False,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """Ingest notices; bad items are quarantined with reasons, the rest land. Re-running adds nothing."""
        from kscity.services.reading_process import start_spare

        start_spare(paths)  # first: its start overlaps the imports and set-up below
        from kscity.services.ingest import ingest_paths

        kapp = get_app()
        with user_errors():
            kapp.check_database()
            report = ingest_paths(kapp, paths, source=source, schema_path=schema, mapping_path=mapping,
                                  progress=_progress_printer(fmt))
        if _progress_printer(fmt):
            sys.stderr.write("\n")
        emit(report, fmt, lambda: ingest_text(report, cli_locale() == "ko", quiet))

    @app.command()
    def opportunities(
        country: Annotated[str | None, typer.Option(help="ISO3 country code.")] = None,
        service: Annotated[str | None, typer.Option(help="Service id, 'smart_city' (any of the seven) or "
                                                         "'not_smart_city'.")] = None,
        stage: Annotated[str | None, typer.Option(help="planning, tender, award, contract, implementation.")] = None,
        open_only: Annotated[bool, typer.Option("--open", help="Only tenders whose deadline is ahead.")] = False,
        q: Annotated[str | None, typer.Option("--q", help="Words in title, description, buyer or codes.")] = None,
        sort: Annotated[str, typer.Option(help="deadline (open tenders closing soonest first, then the latest "
                                               "closed), value, published or title.")] = "deadline",
        limit: Annotated[int, typer.Option(help="How many to show.")] = 1000,
        output: Annotated[Path | None, typer.Option(help="Write every match (not only --limit) to this .xlsx or "
                                                         ".csv file, with headers in the message language.")
                          ] = None,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """List opportunities with filters."""
        from kscity.errors import InvalidInput
        from kscity.services.opportunities import search_opportunities
        from kscity.services.opportunity_export import export_opportunities

        kapp = get_app()
        ko = cli_locale() == "ko"
        with user_errors():
            if sort not in ("deadline", "value", "published", "title"):
                raise InvalidInput(f"--sort must be deadline, value, published or title; got '{sort}'",
                                   f"--sort는 deadline, value, published, title 중 하나여야 합니다 (입력: '{sort}')")
            kind = output.suffix.lower().lstrip(".") if output else ""
            if output and kind not in ("xlsx", "csv"):
                raise InvalidInput(f"--output must end in .xlsx or .csv; got '{output.name}'",
                                   f"--output 파일은 .xlsx 또는 .csv여야 합니다 (입력: '{output.name}')")
            kapp.check_database()
            with kapp.read() as session:
                res = search_opportunities(session=session, country=country, service=service, stage=stage,
                                           open_only=open_only, q=q, sort=sort, per_page=max(1, min(limit, 1000)))  # type: ignore[arg-type]
                if output:
                    body = export_opportunities(session=session, fmt=kind, lang="ko" if ko else "en",  # type: ignore[arg-type]
                                                country=country, service=service, stage=stage, open_only=open_only,
                                                q=q, sort=sort)  # type: ignore[arg-type]
                    output.parent.mkdir(parents=True, exist_ok=True)
                    output.write_bytes(body)
                    sys.stderr.write(f"{output}: 사업 기회 {res['total']:,}건을 썼습니다\n" if ko else
                                      f"{output}: wrote {res['total']:,} opportunities\n")
        items = res["items"]
        emit(items, fmt, lambda: opportunities_text(items, res["total"], cli_locale() == "ko"))

    @app.command()
    def opportunity(
        ocid: Annotated[str, typer.Argument(help="The opportunity's ocid (or any linked notice's).")],
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """One opportunity with its sources, classification evidence, timeline, items and documents."""
        from kscity.services.opportunities import opportunity_detail, solution_names

        with read_session() as session:
            d = opportunity_detail(session=session, ocid=ocid)
            names = solution_names(session)
        emit(d, fmt, lambda: opportunity_text(d, names, cli_locale() == "ko"))

    imports = typer.Typer(help="Import reports and quarantined items.", no_args_is_help=True)
    app.add_typer(imports, name="imports")

    @imports.command("list")
    def imports_list(
        problems: Annotated[bool, typer.Option("--problems", help="Only files with quarantined items, file errors "
                                                                  "or an interrupted import.")] = False,
        page: Annotated[int, typer.Option("--page", min=1, help="Page number (newest files first).")] = 1,
        per_page: Annotated[int, typer.Option("--per-page", min=1, max=1000, help="Files per page.")] = 100,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """Imported files with their counts and status, newest first, a page at a time."""
        from kscity.services.imports import page_of_imports

        with read_session() as session:
            found = page_of_imports(session=session, page=page, per_page=per_page, problems=problems)
        emit(found["imports"], fmt, lambda: imports_text(found, cli_locale() == "ko"))

    @imports.command("show")
    def imports_show(
        import_id: Annotated[int, typer.Argument(help="Import file id (see `kscity imports list`).")],
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """One import's report and its quarantined items with reasons."""
        from kscity.services.imports import import_detail

        with read_session() as session:
            d = import_detail(session=session, import_id=import_id)
        emit(d, fmt, lambda: import_text(d, cli_locale() == "ko"))
