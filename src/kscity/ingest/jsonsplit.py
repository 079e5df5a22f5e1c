"""Split a JSON stream into the raw bytes of its items without building them.

ijson builds every item through Python callbacks; here msgspec only skips over each value (C speed, no
objects) to find where it ends, and the caller parses the spans it wants in one call each. Supported are
the item prefixes of ijson that OCDS files use: the array under a top-level key (``releases.item``,
``records.item``), a top-level array's elements (``item``) and the top-level values themselves (``""``),
each over concatenated top-level values as ijson's ``multiple_values`` reads them.

This module never guesses: anything it is not sure of (malformed JSON, an error text it does not know, an
item over the size limit, the end of the stream inside a value, a shape it does not handle) raises GiveUp,
and the caller reads the stream again with its full parser, which reports the problem its own way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Protocol

import msgspec

# Reads of at most the reader's buffer size (1 MiB) keep the underlying raw reads, and so the byte at which
# a decompression limit trips, the same as under ijson: the fast path never sees data the slow one would not.
CHUNK_SIZE = 1 << 20
MAX_ITEM = 256 << 20  # one item larger than this is left to the slow path rather than held in memory
PREFIXES = frozenset({"releases.item", "records.item", "item", ""})

_RAW = msgspec.json.Decoder(msgspec.Raw)
_KEY = msgspec.json.Decoder(str)
_TRAILING = "JSON is malformed: trailing characters"
_TRUNCATED = "Input data was truncated"
_AT_BYTE = re.compile(r"\(byte (\d+)\)$")
_NOT_SPACE = re.compile(rb"[^ \t\r\n]")  # JSON white space only; yajl's \f and \v make us give up
_OPEN_OBJECT, _CLOSE_OBJECT, _OPEN_ARRAY, _CLOSE_ARRAY = b"{}[]"
_COMMA, _COLON, _QUOTE = b',:"'


class GiveUp(Exception):
    """The stream is not plain enough for the splitter: read it with the full parser instead."""


class Readable(Protocol):
    """A binary stream; only read(n) is used, and b"" means its end."""

    def read(self, size: int, /) -> bytes: ...


class _Cursor:
    """The unconsumed tail of the stream, buf[pos:], refilled chunk by chunk.

    It holds one chunk, or an item being read and as much again (reads double while an item does not fit,
    so rescanning it from its start stays linear in its size).
    """

    __slots__ = ("buf", "chunk_size", "eof", "max_item", "pos", "stream", "view")

    def __init__(self, stream: Readable, chunk_size: int, max_item: int) -> None:
        self.stream, self.chunk_size, self.max_item = stream, chunk_size, max_item
        self.buf = b""
        self.view = memoryview(self.buf)
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Keep buf[pos:] and append at least a chunk (as much as is kept, so rescanning a big item stays linear)."""
        if self.eof:
            return False
        tail = self.view[self.pos :]
        if len(tail) > self.max_item:
            raise GiveUp(f"an item is over {self.max_item} bytes")
        parts: list[bytes | memoryview] = [tail]
        got, want = 0, max(self.chunk_size, len(tail))
        while got < want:
            chunk = self.stream.read(self.chunk_size)
            if not chunk:
                self.eof = True
                break
            parts.append(chunk)
            got += len(chunk)
        self.buf = b"".join(parts)
        self.view = memoryview(self.buf)
        self.pos = 0
        return got > 0

    def peek(self) -> int:
        """The next byte that is not white space (left unconsumed), or -1 at the end of the stream."""
        while True:
            found = _NOT_SPACE.search(self.buf, self.pos)
            if found:
                self.pos = found.start()
                return self.buf[self.pos]
            self.pos = len(self.buf)
            if not self.more():
                return -1

    def value(self, *, may_end: bool) -> bytes:
        """The next value's bytes (with the white space after it); pos moves to the byte after that.

        A value that runs to the end of the stream is only taken when `may_end` (a top-level value): inside
        an array or object the stream must go on, and ijson's exact report is then left to ijson.
        """
        while True:
            start = self.pos
            try:
                _RAW.decode(self.view[start:])
            except msgspec.DecodeError as exc:
                text = str(exc)
                at = _AT_BYTE.search(text)
                if at and text.startswith(_TRAILING):
                    self.pos = start + int(at.group(1)) - 1  # msgspec counts the trailing byte from 1
                    return self.buf[start : self.pos]
                cut = text == _TRUNCATED or (at is not None and start + int(at.group(1)) >= len(self.buf))
                if not (cut and self.more()):  # malformed, or still cut off at the end of the stream
                    raise GiveUp(text) from exc
                continue
            except Exception as exc:  # e.g. RecursionError on very deep nesting
                raise GiveUp(repr(exc)) from exc
            if not self.eof and self.more():  # the value ends with the buffer: is that the stream's end?
                continue
            if not may_end:
                raise GiveUp("the stream ends inside a value")
            value = self.buf[self.pos :]  # more() moved the tail to the front
            self.pos = len(self.buf)
            return value

    def expect(self, byte: int) -> None:
        """Consume `byte` (after white space) or give up."""
        if self.peek() != byte:
            raise GiveUp(f"expected {chr(byte)!r}")
        self.pos += 1


def split(
    stream: Readable,
    prefix: str,
    *,
    check: Callable[[bytes], object],
    chunk_size: int = CHUNK_SIZE,
    max_item: int = MAX_ITEM,
) -> Iterator[bytes]:
    """Yield the raw bytes of each item ijson.items(stream, prefix, multiple_values=True) would build.

    `check` is called with every value that is skipped rather than yielded (a package's other members):
    it must raise on what the caller's full parser would refuse, since those bytes are never parsed here.
    Raises GiveUp on anything irregular; items already yielded are exactly the first items of the stream.
    """
    if prefix not in PREFIXES:
        raise GiveUp(f"prefix {prefix!r} is not split here")
    cursor = _Cursor(stream, chunk_size, max_item)
    while (first := cursor.peek()) != -1:
        if prefix == "":
            yield cursor.value(may_end=True)
        elif prefix == "item" and first == _OPEN_ARRAY:
            cursor.pos += 1
            yield from _elements(cursor)
        elif prefix != "item" and first == _OPEN_OBJECT:
            cursor.pos += 1
            yield from _members(cursor, prefix, check)
        else:
            raise GiveUp("a top-level value of another kind")  # ijson would look inside it differently


def _elements(cursor: _Cursor) -> Iterator[bytes]:
    """After '[': each element, then past the ']'."""
    if cursor.peek() == _CLOSE_ARRAY:
        cursor.pos += 1
        return
    while True:
        yield cursor.value(may_end=False)  # ijson too yields an element before looking at what follows
        after = cursor.peek()
        cursor.pos += 1
        if after == _CLOSE_ARRAY:
            return
        if after != _COMMA:
            raise GiveUp("expected ',' or ']' after an element")


def _members(cursor: _Cursor, prefix: str, check: Callable[[bytes], object]) -> Iterator[bytes]:
    """After '{': the elements of the array under the wanted key (each time it occurs), then past the '}'."""
    wanted = prefix.removesuffix(".item")
    if cursor.peek() == _CLOSE_OBJECT:
        cursor.pos += 1
        return
    while True:
        if cursor.peek() != _QUOTE:
            raise GiveUp("expected a key")
        try:
            key = _KEY.decode(cursor.value(may_end=False))
        except msgspec.DecodeError as exc:
            raise GiveUp(str(exc)) from exc
        cursor.expect(_COLON)
        if key == wanted:
            cursor.expect(_OPEN_ARRAY)  # ijson would also yield a member "item" of an object here
            yield from _elements(cursor)
        elif key == prefix:
            raise GiveUp(f"a key {prefix!r}, whose value ijson would yield as an item")
        else:
            skipped = cursor.value(may_end=False)
            try:
                check(skipped)
            except Exception as exc:
                raise GiveUp(f"{key!r} refused: {exc}") from exc
        after = cursor.peek()
        cursor.pos += 1
        if after == _CLOSE_OBJECT:
            return
        if after != _COMMA:
            raise GiveUp("expected ',' or '}' after a member")
