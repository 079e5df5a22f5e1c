"""What readers yield: accepted items (a Notice and its payload) and rejected items (reasons in plain words)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal

import orjson

from kscity.model.opportunity import Notice

# (currency ISO 4217, year) → US dollars per one unit of that currency, or None when unknown
FxLookup = Callable[[str, int], float | None]


@dataclass(frozen=True)
class ReadError:
    """One problem with an input: where it is (file, position, ocid) and what is wrong, in English and Korean."""

    where: str
    message: str
    message_ko: str = ""
    path: str = ""  # JSON path or XML element of the offending field, when there is one

    def as_dict(self) -> dict[str, str]:
        """The {where, message} shape of the ingest report, with the Korean message beside it."""
        return {"where": self.where, "message": self.message, "message_ko": self.message_ko or self.message}

    def __reduce__(self) -> tuple[type[ReadError], tuple[Any, ...]]:
        """Pickled as its values (the reading process sends a file's errors): compiled (setup.py NATIVE), a frozen
        class cannot be restored field by field, its __setattr__ refuses."""
        return ReadError, _read_error_values(self)


@dataclass
class Accepted:
    """A release, TED notice or row that passed the checks, normalised to a Notice."""

    notice: Notice
    payload: dict[str, Any]  # the release as upgraded to OCDS 1.1 (OCDS), or the source fields (TED, tables)
    ocid: str
    release_id: str  # OCDS release id; TED notice number; row id for tables
    content_hash: str  # sha256 of the item exactly as read (canonical JSON or raw XML bytes)
    position: str  # "releases[12]", "line 4", "row 7", "notice"
    is_compiled: bool = False  # a record's compiledRelease, used when the record carried no full releases
    upgraded: bool = False  # OCDS 1.0 upgraded to 1.1
    kind: Literal["accepted"] = "accepted"
    # the payload as JSON text, when the reader has it written already (a release not upgraded: its canonical
    # bytes, keys sorted); else the store writes it
    payload_json: bytes | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[Accepted], tuple[Any, ...]]:
        """Pickled as its values (see ReadError.__reduce__)."""
        return Accepted, _accepted_values(self)


@dataclass(frozen=True)
class Rejected:
    """An item (or a whole file) that cannot be used, kept with its raw payload or a text snippet and reasons."""

    position: str
    errors: tuple[ReadError, ...]
    ocid: str | None = None
    release_id: str | None = None
    payload: dict[str, Any] | None = None
    snippet: str = ""
    kind: Literal["rejected"] = "rejected"
    # the payload as JSON text, in place of `payload`: how the reading side sends it to the store (services.
    # ingest_worker), which writes the text as it is; pickling the dict and writing it again cost four times more
    payload_json: bytes | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[Rejected], tuple[Any, ...]]:
        """Pickled as its values (see ReadError.__reduce__): the reading process sends rejected items pickled."""
        return Rejected, _rejected_values(self)


_read_error_values = attrgetter(*(f.name for f in fields(ReadError)))
_accepted_values = attrgetter(*(f.name for f in fields(Accepted)))
_rejected_values = attrgetter(*(f.name for f in fields(Rejected)))


ReadItem = Accepted | Rejected


@dataclass
class FileSummary:
    """Counts for one file's report: the detected format, accepted and rejected items, file-level errors."""

    path: str
    format: str = "unknown"
    accepted: int = 0
    rejected: int = 0
    errors: list[ReadError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for JSON reports."""
        return {
            "path": self.path,
            "format": self.format,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


def canonical_bytes(value: object) -> bytes:
    """The item as compact JSON with sorted keys: what content_hash hashes and validate.clean_canonical reads."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, which JSON allows and orjson does not
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def content_hash(value: dict[str, Any] | bytes) -> str:
    """A sha256 of the item as read: key order does not matter, any value change does.

    Given bytes (raw XML, or canonical_bytes computed once for the checks too), it hashes them as they are.
    """
    return hashlib.sha256(value if isinstance(value, bytes) else canonical_bytes(value)).hexdigest()


def snippet_of(value: object, limit: int = 500) -> str:
    """A short text of a payload for a quarantine listing."""
    if isinstance(value, bytes):
        text = value[:limit].decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value[:limit]
    else:
        try:
            text = orjson.dumps(value).decode()[:limit]
        except TypeError:
            text = repr(value)[:limit]
    return text
