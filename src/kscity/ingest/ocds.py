"""Stream OCDS JSON (packages, records, releases, arrays, JSON Lines, concatenated) release by release.

Memory stays bounded by the largest single release or record, never the file: a first pass reads only the
top-level keys up to the releases/records array (the "sniff"), a second pass streams its items. For the
common shapes the items are cut out by jsonsplit and each parsed in one msgspec call (about twice as fast
as ijson); anything that path is unsure of, and every other shape, is read by ijson's C backend, whose
results and error reports are the reference. OCDS 1.0 releases are upgraded to 1.1 with ocdskit.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
import msgspec
import orjson
from ocdskit.upgrade import upgrade_release_10_11

from kscity.ingest import jsonsplit
from kscity.ingest.items import (
    Accepted,
    FileSummary,
    FxLookup,
    ReadError,
    ReadItem,
    Rejected,
    canonical_bytes,
    content_hash,
    snippet_of,
)
from kscity.ingest.limits import LimitExceeded
from kscity.ingest.normalize import notice_from_release
from kscity.ingest.validate import SchemaChecker, check_release

Opener = Callable[[], IO[bytes]]
# ocdskit logs party conflicts while upgrading; without an app-level handler they would go to stderr raw
logging.getLogger("ocdskit").addHandler(logging.NullHandler())
_PACKAGE_KEYS = {"uri", "publisher", "publishedDate", "version", "extensions", "license", "publicationPolicy"}
_RECORD_KEYS = {"ocid", "compiledRelease", "versionedRelease"}
_DECODER = msgspec.json.Decoder()
_YAJL_INT_LIMIT = 1 << 63  # yajl (ijson) refuses integers of this size or more, either sign (-2**63 too)


class NotOcds(Exception):
    """The JSON is well formed but is not OCDS (a scalar, or objects without releases or ocids)."""


@dataclass
class Shape:
    """What the first top-level value looks like, and where the items to stream are."""

    kind: str  # "release package", "record package", "values" (releases/records, one or many)
    prefix: str  # ijson prefix of the items to stream
    in_array: bool = False
    version: str | None = None
    publisher: dict[str, Any] = field(default_factory=dict)


def _join(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def sniff(opener: Opener) -> Shape:
    """Find the shape from the top-level keys, reading as little as possible (stops at the items array)."""
    with opener() as handle:
        events = ijson.parse(handle, multiple_values=True, use_float=True)
        _, event, _ = next(events)
        base = ""
        if event == "start_array":
            prefix, event, _ = next(events)
            if event == "end_array":
                return Shape("values", "item", in_array=True)
            if event != "start_map":
                raise NotOcds("the JSON is a list of plain values, not of OCDS objects")
            base = "item"
        elif event != "start_map":
            raise NotOcds("the JSON is a single plain value, not an OCDS object")
        keys: set[str] = set()
        shape = Shape("values", base, in_array=bool(base))
        pending = False
        for prefix, event, value in events:
            if prefix == base and event == "map_key":
                keys.add(value)
                if value == "records":
                    shape.kind, shape.prefix = "record package", _join(base, "records") + ".item"
                    return shape
                if value == "releases":
                    if keys & _RECORD_KEYS:
                        return shape
                    if keys & _PACKAGE_KEYS:
                        shape.kind, shape.prefix = "release package", _join(base, "releases") + ".item"
                        return shape
                    pending = True  # releases came first: keep reading keys to tell a package from a record
            elif prefix == _join(base, "version") and event == "string":
                shape.version = value
            elif prefix in (_join(base, "publisher.uri"), _join(base, "publisher.name")) and event == "string":
                shape.publisher[prefix.rsplit(".", 1)[1]] = value
            elif prefix == base and event == "end_map":
                if pending and not keys & _RECORD_KEYS:
                    shape.kind, shape.prefix = "release package", _join(base, "releases") + ".item"
                return shape
        return shape


def _plain_json_error(exc: Exception) -> tuple[str, str]:
    text = str(exc)
    if "UTF8" in text or "utf-8" in text.lower():
        return (
            "the file is not UTF-8 text (Latin-1 or another encoding?); OCDS JSON must be UTF-8: re-save it as UTF-8",
            "파일이 UTF-8이 아닙니다 (Latin-1 등?). OCDS JSON은 UTF-8이어야 합니다. UTF-8로 다시 저장해 주십시오",
        )
    if "premature EOF" in text or ("Incomplete" in type(exc).__name__ and "EOF" in text):
        return (
            "the JSON ends early (the file is truncated or empty)",
            "JSON이 중간에 끝납니다 (파일이 잘렸거나 비어 있습니다)",
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"not valid JSON: {first}", f"올바른 JSON이 아닙니다: {first}"


@dataclass
class OcdsReader:
    """Reads one OCDS JSON stream and yields an item per release (or compiled release)."""

    label: str
    source: str
    fx: FxLookup | None
    schema: SchemaChecker | None
    summary: FileSummary
    publisher: dict[str, Any] = field(default_factory=dict)
    count: int = 0
    fast: bool = True  # False: ijson only, the reference the fast path must match
    chunk_size: int = jsonsplit.CHUNK_SIZE
    fallback_at: int | None = None  # items the fast path had yielded when it handed over to ijson
    suffix: str = ""  # the wrapper the stream came in, as the format names it: " (gzip)"

    def read(self, opener: Opener) -> Iterator[ReadItem]:
        """Sniff, then stream; JSON and limit errors become one rejected item after the good ones."""
        position = "start of file"
        try:
            shape = sniff(opener)
            self.publisher = shape.publisher
            # the whole name as soon as it is known: an import records it with each batch, for the officer who
            # looks while it runs (or after it was killed)
            self.summary.format = f"ocds {shape.kind}" + (" (in a list)" if shape.in_array else "") + self.suffix
            for index, (value, canonical) in enumerate(self._items(opener, shape.prefix)):
                if shape.kind == "release package":
                    position = f"releases[{index}]"
                    yield self._release(value, position, shape.version, canonical=canonical)
                elif shape.kind == "record package":
                    position = f"records[{index}]"
                    yield from self._record(value, position)
                else:
                    position = f"item {index + 1}" if index or shape.in_array else "top-level object"
                    yield from self._value(value, position)
        except LimitExceeded as exc:
            yield self._file_error(position, exc.message_en, exc.message_ko)
        except NotOcds as exc:
            yield self._file_error(position, f"not OCDS data: {exc}", f"OCDS 데이터가 아닙니다: {exc}")
        except (ijson.JSONError, ijson.IncompleteJSONError, StopIteration, UnicodeDecodeError) as exc:
            en, ko = (
                _plain_json_error(exc)
                if not isinstance(exc, StopIteration)
                else _plain_json_error(ijson.IncompleteJSONError("premature EOF"))
            )
            where = position if self.count == 0 else f"after {position}"
            yield self._file_error(where, en, ko)

    def _items(self, opener: Opener, prefix: str) -> Iterator[tuple[Any, bytes | None]]:
        """The values at `prefix`, as ijson.items(..., use_float=True, multiple_values=True) gives them, each with
        its canonical bytes (items.canonical_bytes) when the fast path wrote them while checking it.

        The fast path yields only items it is sure of. On any doubt (GiveUp, a span msgspec or yajl would
        refuse, a size limit, a read error) ijson reads the stream again from the start and, past the items
        already yielded, raises or yields exactly what it always did.
        """
        done = 0
        if self.fast and prefix in jsonsplit.PREFIXES:
            try:
                with opener() as handle:
                    for span in jsonsplit.split(handle, prefix, check=_load, chunk_size=self.chunk_size):
                        value, canonical = _load_canonical(span)
                        done += 1
                        yield value, canonical
                return
            except LimitExceeded:  # a size limit is the bytes' own: reading them again (a bomb inflated twice) is waste
                raise
            except Exception:  # whatever it was, the slow path meets it again and reports it as before
                self.fallback_at = done
        with opener() as handle:
            items = ijson.items(handle, prefix, use_float=True, multiple_values=True)
            for value in itertools.islice(items, done, None):
                yield value, None

    def _file_error(self, position: str, en: str, ko: str) -> Rejected:
        error = ReadError(f"{self.label} › {position}", en, ko)
        self.summary.errors.append(error)
        return Rejected(position=position, errors=(error,))

    def _value(self, value: Any, position: str) -> Iterator[ReadItem]:
        if not isinstance(value, dict):
            yield self._release(value, position, None)
        elif "records" in value:
            for index, record in enumerate(value["records"] if isinstance(value["records"], list) else []):
                yield from self._record(record, f"{position}.records[{index}]")
        elif "releases" in value and (value.keys() & _RECORD_KEYS or not value.keys() & _PACKAGE_KEYS):
            yield from self._record(value, position)
        elif "releases" in value:
            version = value.get("version") if isinstance(value.get("version"), str) else "1.0"
            publisher = value.get("publisher")
            if isinstance(publisher, dict):
                self.publisher = publisher
            for index, release in enumerate(value["releases"] if isinstance(value["releases"], list) else []):
                yield self._release(release, f"{position}.releases[{index}]", version)
        else:
            yield self._release(value, position, None)

    def _record(self, record: Any, position: str) -> Iterator[ReadItem]:
        if not isinstance(record, dict):
            yield self._release(record, position, None)
            return
        full = [r for r in record.get("releases") or [] if isinstance(r, dict) and not _is_linked(r)]
        if full:
            for index, release in enumerate(full):
                yield self._release(release, f"{position}.releases[{index}]", None)
        elif isinstance(record.get("compiledRelease"), dict):
            yield self._release(record["compiledRelease"], f"{position}.compiledRelease", None, compiled=True)
        else:
            ocid = record.get("ocid") if isinstance(record.get("ocid"), str) else None
            where = f"{self.label} › {position}" + (f" (ocid {ocid})" if ocid else "")
            error = ReadError(
                where,
                "record has no full releases and no compiledRelease (only links to releases, which are not fetched)",
                "레코드에 전체 릴리스도 compiledRelease도 없습니다 (릴리스 링크만 있으며, 링크는 가져오지 않습니다)",
            )
            yield Rejected(position=position, errors=(error,), ocid=ocid, payload=record, snippet=snippet_of(record))

    def _release(self, release: Any, position: str, version: str | None, *, compiled: bool = False,
                 canonical: bytes | None = None) -> ReadItem:
        ocid = release.get("ocid") if isinstance(release, dict) and isinstance(release.get("ocid"), str) else None
        where = f"{self.label} › {position}" + (f" (ocid {ocid})" if ocid else "")
        # the canonical bytes are hashed and, read at C speed, spare most releases the checks' Python walk
        if canonical is None and isinstance(release, dict):
            canonical = canonical_bytes(release)
        errors = check_release(release, where, canonical)
        if errors or not isinstance(release, dict) or canonical is None:
            payload = release if isinstance(release, dict) else None
            rid = payload.get("id") if payload and isinstance(payload.get("id"), str) else None
            return Rejected(position, tuple(errors), ocid, rid, payload, snippet_of(release))
        digest = content_hash(canonical)
        own = release.get("version")
        minor = version or (own if isinstance(own, str) else ("1.1" if "parties" in release else "1.0"))
        upgraded = minor.startswith("1.0")
        if upgraded:
            upgrade_release_10_11(release, reorder=False)
        if self.schema is not None:
            errors = self.schema.check(release, where)
            if errors:
                return Rejected(position, tuple(errors), ocid, release["id"], release, snippet_of(release))
        notice = notice_from_release(release, source=self.source, fx=self.fx, publisher=self.publisher or None)
        self.count += 1
        return Accepted(notice, release, release["ocid"], release["id"], digest, position, compiled, upgraded,
                        payload_json=None if upgraded else canonical)


def _load(span: bytes) -> Any:
    """Parse one item as ijson (yajl, use_float) would, or raise where it would not.

    What msgspec reads at all it reads as yajl does, but for integers: msgspec reads any size exactly, yajl
    refuses those of 2**63 or more in size (orjson.loads takes them up to 2**64 and reads larger ones as
    floats, so it cannot be the parser here). orjson's
    strict mode fails on any integer past 2**53 at C speed; only then is the value walked to tell a legal
    big integer from one yajl refuses. What msgspec refuses and yajl reads (a lone surrogate escape, \\f as
    white space) is left to ijson by the caller.
    """
    return _load_canonical(span)[0]


def _load_canonical(span: bytes) -> tuple[Any, bytes | None]:
    """`_load`, with the value's canonical bytes (items.canonical_bytes) when the integer check could write them:
    one serialisation serves both (None: the value has an integer past 2**53, left to canonical_bytes)."""
    value = _DECODER.decode(span)
    try:
        return value, orjson.dumps(value, option=orjson.OPT_STRICT_INTEGER | orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # a big integer, or nesting deeper than orjson writes
        if _has_wide_int(value):
            raise jsonsplit.GiveUp("an integer of 64 bits or more") from None
    return value, None


def _has_wide_int(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif type(node) is int and not -_YAJL_INT_LIMIT < node < _YAJL_INT_LIMIT:
            return True
    return False


def _is_linked(release: dict[str, Any]) -> bool:
    return "url" in release and len(release) <= 3
