"""One module per command; each exposes `register(app: typer.Typer) -> None`."""
