"""Packed JSON: what goes in comes back, and JSON stored as text before packing still reads."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kscity.store.packed import ZSTD_MAGIC, PackedJSON, pack, unpack
from kscity.store.packing import MIN_SAMPLES, Packer, UnknownDictionary, dictionary_id, frame_dictionary, train

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


texts = st.lists(st.binary(min_size=20, max_size=400), min_size=MIN_SAMPLES, max_size=MIN_SAMPLES + 20)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_values_packed_with_a_trained_dictionary_unpack_to_themselves(data: st.DataObject) -> None:
    words = data.draw(st.lists(st.text(alphabet="abcdefgh", min_size=3, max_size=8), min_size=5, max_size=30))
    samples = [orjson.dumps({"ocid": f"ocds-{i}", "tender": {"title": " ".join(data.draw(st.permutations(words)))}})
               for i in range(MIN_SAMPLES)]
    dictionary = train(samples)
    if dictionary is None:  # zstd could not learn from these: the file is packed without one
        return
    assert train(samples) == dictionary, "the same items train the same dictionary (a re-run stores no second)"
    packer = Packer(dictionary, None)
    value = data.draw(st.binary(max_size=2000))
    frame = packer.payload(value)
    assert frame_dictionary(frame) == dictionary_id(dictionary) != 0
    assert unpack(frame) == value
    assert frame_dictionary(packer.notice(value)) == 0 and unpack(packer.notice(value)) == value


@given(texts)
def test_too_few_samples_train_no_dictionary(samples: list[bytes]) -> None:
    assert train(samples[: MIN_SAMPLES - 1]) is None


def test_a_dictionary_nobody_holds_is_named_in_the_error() -> None:
    samples = [orjson.dumps({"id": i, "title": f"Street lighting lot {i}", "value": {"amount": i * 10}})
               for i in range(200)]
    dictionary = train(samples)
    assert dictionary is not None
    frame = Packer(dictionary, None).payload(samples[0])
    # a frame whose dictionary id no process or store knows: the id changed in its header
    forged = frame.replace(dictionary_id(dictionary).to_bytes(4, "little"), (12345678).to_bytes(4, "little"), 1)
    with pytest.raises(UnknownDictionary) as raised:
        unpack(forged)
    assert "12345678" in str(raised.value) and "pack_dictionary" in str(raised.value)
