"""The console script's entry point: what must happen before the command's modules load (~0.6 s of imports).

`kscity ingest` of a large file starts its reading process here, so that the process starts and imports its
reader while this one loads the CLI, the store and the exchange rates (services.reading_process). Only the
arguments' first word is read here; Typer parses them all afterwards. A word taken for a path that is an option's
value only counts toward the size that decides whether to start early; a process started for nothing ends with the
ingest (or with the command, should it fail before).
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the kscity command."""
    args = sys.argv[1:]
    if args[:1] == ["ingest"]:
        from kscity.services.reading_process import start_spare

        start_spare(a for a in args[1:] if not a.startswith("-"))
    from kscity.cli.main import main as run

    run()
