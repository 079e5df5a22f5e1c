"""Packed JSON: what goes in comes back, and JSON stored as text before packing still reads."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from kscity.store.packed import ZSTD_MAGIC, PackedJSON, pack, unpack

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(st.binary())
def test_unpack_gives_back_what_was_packed(data: bytes) -> None:
    packed = pack(data)
    assert packed[:4] == ZSTD_MAGIC and unpack(packed) == data


@given(json_values)
def test_the_column_reads_back_the_value_bound_packed_or_as_text(value: object) -> None:
    column = PackedJSON()
    bound = column.process_bind_param(value, None)  # type: ignore[arg-type]
    if value is None:  # SQL NULL, not the JSON text null
        assert bound is None and column.process_result_value(None, None) is None  # type: ignore[arg-type]
        return
    assert bound is not None and bound[:4] == ZSTD_MAGIC
    assert column.process_result_value(bound, None) == value  # type: ignore[arg-type]
    # a value stored as JSON text before migration 0007 packed it
    assert column.process_result_value(orjson.dumps(value), None) == value  # type: ignore[arg-type]
    # bytes are taken as packed already (the reading process packs releases)
    assert column.process_bind_param(bound, None) is bound  # type: ignore[arg-type]
