"""`kscity classify FILE [--ignore-codes] [--format json]`: the service of every notice in a file, with evidence."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from kscity.cli.context import EXIT_REFUSED, EXIT_USAGE, OutputFormat, cli_locale, emit, fail
from kscity.model.opportunity import Notice


class TextMethod(StrEnum):
    """How text is classified (kscity.core.classify.text.Method)."""

    lexicon = "lexicon"
    embedding = "embedding"
    hybrid = "hybrid"


def _merge(notices: list[Notice]) -> list[Notice]:
    """One notice per ocid: releases of one process share its codes; the latest non-empty text wins."""
    by_id: dict[str, Notice] = {}
    for n in notices:
        old = by_id.get(n.ocid)
        if old is None:
            by_id[n.ocid] = n
            continue
        by_id[n.ocid] = msgspec.structs.replace(old, title=n.title or old.title,
                                                description=n.description or old.description,
                                                items=tuple(dict.fromkeys((*old.items, *n.items))))
    return list(by_id.values())


def _read(path: Path) -> tuple[list[Notice], list[str]]:
    from kscity.ingest import Accepted, read_file

    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    notices: list[Notice] = []
    problems: list[str] = []
    for f in files:
        reading = read_file(f)
        for item in reading:
            if isinstance(item, Accepted):
                notices.append(item.notice)
            else:
                problems += [f"{e.where}: {e.message}" for e in item.errors]
        problems += [f"{e.where}: {e.message}" for e in reading.summary.errors]
    return _merge(notices), list(dict.fromkeys(problems))  # a file-level error is also reported per item


def _text(rows: list[dict[str, Any]], ko: bool) -> str:
    if not rows:
        return "분류할 공고가 없습니다." if ko else "No notices to classify."
    lines = []
    for r in rows:
        target = r["service"] + (f"/{r['sub_solution']}" if r["sub_solution"] else "")
        lines.append(f"{r['id']}  {target}  {r['score']:.2f}")
        lines += [f"    {e}" for e in r["evidence"]]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add classify."""

    @app.command()
    def classify(
        file: Annotated[Path, typer.Argument(help="An OCDS, TED XML or CSV/XLSX file (or a folder of them).")],
        ignore_codes: Annotated[bool, typer.Option("--ignore-codes", help="Classify from the text only.")] = False,
        method: Annotated[TextMethod, typer.Option(help="Text classifier: the per-language lexicons (default, "
                                                        "measured best), the sentence embedding, or both (lexicon "
                                                        "first, embedding when no term matches).")
                          ] = TextMethod.lexicon,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """Place every notice in one of the seven smart-city services (or not_smart_city), with the evidence."""
        from kscity.core.classify import classify_many
        from kscity.reference.classification import text_model

        ko = cli_locale() == "ko"
        if not file.exists():
            fail(f"error: {'파일이 없습니다' if ko else 'no such file'}: {file}", EXIT_USAGE)
        notices, problems = _read(file)
        for p in problems[:20]:
            sys.stderr.write(f"{'경고' if ko else 'warning'}: {p}\n")
        if not notices and problems:
            fail(f"error: {'읽을 수 있는 공고가 없습니다' if ko else 'no readable notice in'} {file}", EXIT_REFUSED)
        results = classify_many(notices, ignore_codes=ignore_codes, model=text_model(method.value))
        rows = [{"id": n.ocid, "service": c.service, "sub_solution": c.sub_solution, "score": c.score,
                 "evidence": list(c.evidence)} for n, c in zip(notices, results, strict=True)]
        emit(rows, fmt, lambda: _text(rows, ko))
