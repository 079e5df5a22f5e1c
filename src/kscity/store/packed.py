"""JSON kept zstd-compressed: the stored raw releases and their per-release notices are an archive, read back only
when an ocid is recompiled, and as plain JSON they were two thirds of the database (12.8 KB per release) and of the
bytes each ingest wrote; linked notices and opportunities' document lists, read a row at a time, are kept so too.
zstd at level 1 packs them 3.7 times for ~30 µs a release, which the reading process
spends (ingest_ready), not the process that writes."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Dialect, LargeBinary
from sqlalchemy.types import TypeDecorator

from kscity.model.serialize import json_bytes
from kscity.store.packing import LEVEL, ZSTD_MAGIC, pack, unpack

__all__ = ["LEVEL", "ZSTD_MAGIC", "PackedJSON", "pack", "unpack"]

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
