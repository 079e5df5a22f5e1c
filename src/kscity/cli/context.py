"""What every command shares: the application object, output in text or JSON, and error handling."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NoReturn

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from kscity.app import App, build_app
from kscity.errors import KscityError
from kscity.reference.errors import ReferenceFileError


class OutputFormat(enum.StrEnum):
    """How a command prints its result."""

    text = "text"
    json = "json"


EXIT_REFUSED = 1  # the run finished but refused its input (e.g. an import with errors)
EXIT_USAGE = 2  # unusable arguments, unknown names, unreachable database


@cache
def get_app() -> App:
    """The one application object of this process, built from the environment (a bad setting: exit 2)."""
    from pydantic import ValidationError

    try:
        return build_app()
    except ValidationError as exc:
        bad = "; ".join(f"KSCITY_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        ko = cli_locale() == "ko"
        fail(f"오류: 잘못된 설정값입니다: {bad}" if ko else f"error: invalid setting: {bad}", EXIT_USAGE)


def _default(obj: object) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def dumps(obj: object) -> str:
    """JSON text for a command's result (UTF-8, Korean kept readable)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_default)


def emit(obj: object, fmt: OutputFormat, text: Callable[[], str] | str | None = None) -> None:
    """Print a result: JSON as is, or the text rendering when asked for text."""
    if fmt is OutputFormat.json or text is None:
        sys.stdout.write(dumps(obj) + "\n")
    else:
        sys.stdout.write((text() if callable(text) else text) + "\n")


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Text padded to a terminal width, counting wide (Hangul, CJK) characters as two columns."""
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    fill = " " * max(0, width - shown)
    return fill + text if right else text + fill


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line to stderr and exit with the code."""
    sys.stderr.write(message.rstrip() + "\n")
    raise SystemExit(code)


def cli_locale() -> str:
    """The user's language for messages: KSCITY_LANG, else LANG starting with ko, else English."""
    import os

    lang = os.environ.get("KSCITY_LANG") or os.environ.get("LANG", "")
    return "ko" if lang.lower().startswith("ko") else "en"


@contextmanager
def read_session() -> Iterator[Session]:
    """A read session on the configured database, with user errors turned into one line and exit 2."""
    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.read() as session:
            yield session


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn kscity errors into one line on stderr and exit 2, never a traceback."""
    try:
        yield
    except KscityError as exc:
        fail(f"error: {exc.message(cli_locale())}", EXIT_USAGE)
    except ReferenceFileError as exc:
        fail(f"error: reference data refused, nothing was loaded: {exc}", EXIT_USAGE)
    except (OperationalError, ProgrammingError) as exc:  # reachable but not migrated: tables are missing
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        ko = cli_locale() == "ko"
        fail(("error: 데이터베이스가 준비되지 않았습니다 (kscity init 실행): " if ko else
              "error: the database is not ready (run `kscity init`): ") + first, EXIT_USAGE)
