"""`kscity init` (migrate + load reference data) and `kscity serve` (the web app)."""

from __future__ import annotations

from typing import Annotated

import typer

from kscity.cli.context import OutputFormat, emit, get_app, user_errors


def register(app: typer.Typer) -> None:
    """Add init and serve."""

    @app.command()
    def init(
        sample: Annotated[bool, typer.Option("--sample", help="Also load the sample catalogue (made-up firms).")
                          ] = False,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
    ) -> None:
        """Migrate the database and load the shipped reference data (a second run changes nothing)."""
        from kscity.services.setup import initialise

        kapp = get_app()
        with user_errors():
            report = initialise(kapp, sample=sample)
        emit(report, fmt, lambda: "\n".join(
            [f"database: {report['database']}"]
            + [f"  {f['file']}: {f['rows']} rows ({'loaded' if f['changed'] else 'unchanged'})"
               for f in report["files"]]
            + ([f"sample catalogue: {report['sample_firms']} firms (sample data)"] if sample else [])
        ))

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8000,
        workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only for more than one).")] = 1,
    ) -> None:
        """Start the web app and print its address."""
        import uvicorn

        from kscity.web.main import create_app

        kapp = get_app()
        with user_errors():
            kapp.check_database()
        typer.echo(f"kscity is running at http://{host}:{port}  (Ctrl+C to stop)")
        if workers > 1:
            uvicorn.run("kscity.web.asgi:app", host=host, port=port, workers=workers, log_level="warning")
        else:
            uvicorn.run(create_app(kapp), host=host, port=port, log_level="warning")
