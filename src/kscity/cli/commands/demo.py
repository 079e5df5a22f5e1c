"""`kscity demo …`: synthetic data for scale tests, benchmarks and demonstrations (always marked sample)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kscity.cli.context import OutputFormat, emit, get_app, user_errors

sub = typer.Typer(help="Synthetic demonstration data (합성 시연 데이터).", no_args_is_help=True)


@sub.command("catalogue")
def catalogue_cmd(firms: Annotated[int, typer.Option(help="How many firms.")] = 675,
                  seed: Annotated[int, typer.Option(help="Random seed (same seed, same catalogue).")] = 2019,
                  output: Annotated[Path | None, typer.Option(help="Write an XLSX instead of storing.")] = None,
                  lang: Annotated[str, typer.Option(help="Header language of the XLSX: ko or en.")] = "ko",
                  fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text) -> None:
    """Generate a synthetic catalogue with the plan's size and export mix; store it or write XLSX."""
    from kscity.services import catalogue as svc

    with user_errors():
        if output is not None:
            result = svc.demo_catalogue(session=None, firms=firms, seed=seed, output=output, lang=lang)
        else:
            with get_app().transaction() as session:
                result = svc.demo_catalogue(session=session, firms=firms, seed=seed)
    emit(result, fmt, lambda: ", ".join(f"{k}: {v}" for k, v in result.items()))


def register(app: typer.Typer) -> None:
    """Add `kscity demo`."""
    app.add_typer(sub, name="demo")
