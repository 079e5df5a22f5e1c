"""The `kscity` command: discovers the command modules and runs Typer."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from kscity.cli import commands

app = typer.Typer(
    name="kscity",
    help="kscity: smart-city export one-stop platform (스마트시티 해외진출 원스톱 플랫폼).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for _mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    importlib.import_module(f"{commands.__name__}.{_mod.name}").register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
