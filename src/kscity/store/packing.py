"""JSON texts packed with zstd, as the store keeps its archive columns (store.packed): the packing itself, without
the database's modules, so that the reading process (services.ingest_worker) can pack what it sends."""

from __future__ import annotations

import threading

import zstandard

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
