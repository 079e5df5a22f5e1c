"""Write docs/cli.md from the kscity command tree itself: every command with its help, arguments and options.

Typer builds a Click-style command tree (its own vendored Click, so this walks it by duck typing:
groups have `list_commands`, parameters say `param_type_name`); the reference cannot drift from the code.
`tests/test_docs.py` regenerates the text and fails when docs/cli.md is stale.

    .venv/bin/python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    .venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 when docs/cli.md is stale
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"
HEADER = """# kscity command reference

Generated from the command tree by `scripts/gen_cli_docs.py`; do not edit by hand
(`tests/test_docs.py` fails when this file is stale). Run `kscity COMMAND --help` for the same text.
Every command accepts `--help`. Commands that print data accept `--format json` for machine-readable
output; errors go to stderr as one line, with exit code 2 for bad input or an unreachable database
(1 where a command says it refuses input). Set `KSCITY_LANG=ko` for messages in Korean.
"""


def root_command() -> Any:
    """The Click command behind the `kscity` console script."""
    from kscity.cli.main import app

    return typer.main.get_command(app)


def walk(command: Any, ctx: typer.Context) -> Iterator[tuple[typer.Context, Any]]:
    """Every visible command below `command`, depth first, in the order `--help` lists them."""
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = typer.Context(sub, info_name=name, parent=ctx)
            yield sub_ctx, sub
            yield from walk(sub, sub_ctx)


def command_paths() -> list[str]:
    """Full paths of every visible command, e.g. 'kscity tasks list'."""
    root = root_command()
    ctx = typer.Context(root, info_name="kscity")
    return [sub_ctx.command_path for sub_ctx, _ in walk(root, ctx)]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _params(command: Any, ctx: typer.Context) -> list[str]:
    """A table of the arguments and options, with the same words `--help` prints (type, default, required)."""
    rows = []
    for param in command.params:
        record = None if getattr(param, "hidden", False) else param.get_help_record(ctx)
        if record is None:
            continue
        usage, help_text = record
        rows.append(f"| `{_cell(usage)}` | {_cell(help_text)} |")
    if not rows:
        return []
    return ["| Argument / option | Description |", "|---|---|", *rows, ""]


def render() -> str:
    """The text of docs/cli.md."""
    root = root_command()
    ctx = typer.Context(root, info_name="kscity")
    commands = list(walk(root, ctx))
    out = [HEADER, f"{inspect.cleandoc(root.help or '')}", "", "## Commands", ""]
    for sub_ctx, _ in commands:
        path = sub_ctx.command_path
        out.append(f"{'  ' * (path.count(' ') - 1)}- [`{path}`](#{path.replace(' ', '-')})")
    out.append("")
    for sub_ctx, command in commands:
        depth = sub_ctx.command_path.count(" ")
        out.append(f"{'#' * min(depth + 1, 4)} `{sub_ctx.command_path}`")
        out.append("")
        out.append(f"    {sub_ctx.command_path} {' '.join(command.collect_usage_pieces(sub_ctx))}".rstrip())
        out.append("")
        help_text = inspect.cleandoc(command.help or "").split("\f")[0].strip()
        if help_text:
            out += [help_text, ""]
        out += _params(command, sub_ctx)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    """Rewrite docs/cli.md, or with --check report whether it is current."""
    text = render()
    if "--check" in argv:
        current = CLI_DOC.read_text(encoding="utf-8") if CLI_DOC.exists() else ""
        if current != text:
            sys.stderr.write(f"{CLI_DOC} is stale: run .venv/bin/python scripts/gen_cli_docs.py\n")
            return 1
        return 0
    CLI_DOC.parent.mkdir(parents=True, exist_ok=True)
    CLI_DOC.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {CLI_DOC.relative_to(ROOT)} ({len(command_paths())} commands)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
