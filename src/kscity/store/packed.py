"""JSON kept zstd-compressed: the stored raw releases and their per-release notices are an archive, read back only
when an ocid is recompiled, and as plain JSON they were two thirds of the database (12.8 KB per release) and of the
bytes each ingest wrote; linked notices and opportunities' document lists, read a row at a time, are kept so too.
zstd at level 1 packs them 3.7 times for ~30 µs a release, which the reading process
spends (ingest_ready), not the process that writes."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Dialect, Engine, LargeBinary, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from kscity.model.serialize import json_bytes
from kscity.store.packing import LEVEL, ZSTD_MAGIC, pack, unpack

__all__ = ["LEVEL", "ZSTD_MAGIC", "PackedJSON", "dictionary_finder", "pack", "unpack"]


def dictionary_finder(engine: Engine) -> Callable[[int], bytes | None]:
    """Where store.packing.unpack looks up a dictionary this process has not met: the engine's pack_dictionary
    table, on a connection of its own (a value is decoded where no session is at hand). It holds the engine
    weakly, and finds nothing once the engine is gone or its database predates the table."""
    ref = weakref.ref(engine)

    def find(dict_id: int) -> bytes | None:
        bound = ref()
        if bound is None:
            return None
        try:
            with bound.connect() as conn:
                found = conn.execute(text("SELECT content FROM pack_dictionary WHERE id = :id"), {"id": dict_id})
                content = found.scalar()
        except SQLAlchemyError:
            return None
        return bytes(content) if content is not None else None

    return find

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
