"""JSON kept zstd-compressed: the stored raw releases and their per-release notices are an archive, read back only
when an ocid is recompiled, and as plain JSON they were two thirds of the database (12.8 KB per release) and of the
bytes each ingest wrote; linked notices and opportunities' document lists, read a row at a time, are kept so too.
zstd at level 1 packs them 3.7 times for ~30 µs a release, which the reading process
spends (ingest_ready), not the process that writes."""

from __future__ import annotations

import threading
from typing import Any

import orjson
import zstandard
from sqlalchemy import Dialect, LargeBinary
from sqlalchemy.types import TypeDecorator

from kscity.app import json_bytes

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LEVEL = 1
_local = threading.local()  # zstandard's (de)compressor objects must not be shared between threads


def _compressor() -> zstandard.ZstdCompressor:
    c: zstandard.ZstdCompressor | None = getattr(_local, "c", None)
    if c is None:
        c = _local.c = zstandard.ZstdCompressor(level=LEVEL)
    return c


def _decompressor() -> zstandard.ZstdDecompressor:
    d: zstandard.ZstdDecompressor | None = getattr(_local, "d", None)
    if d is None:
        d = _local.d = zstandard.ZstdDecompressor()
    return d


def pack(json_text: bytes) -> bytes:
    """JSON text, compressed as the store keeps it."""
    return _compressor().compress(json_text)


def unpack(stored: bytes) -> bytes:
    """The JSON text of a packed value (a value stored as plain JSON text before packing is returned as it is)."""
    if stored[:4] == ZSTD_MAGIC:
        return _decompressor().decompress(stored)
    return stored


class PackedJSON(TypeDecorator[Any]):
    """A JSON document stored compressed. Binds a JSON-able value, or bytes already made by `pack`; reads back the
    value."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        return pack(json_bytes(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return orjson.loads(unpack(bytes(value)))
