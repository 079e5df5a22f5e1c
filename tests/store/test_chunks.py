"""in_chunks: the store's IN lists cover every value once, in order, in pieces no longer than asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.store.chunks import IN_LIST_SIZE, in_chunks


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_chunks_cover_every_value_once_in_order(values: list[int], size: int) -> None:
    chunks = list(in_chunks(values, size))
    assert [v for chunk in chunks for v in chunk] == values
    assert all(1 <= len(chunk) <= size for chunk in chunks)
    assert all(len(chunk) == size for chunk in chunks[:-1])  # only the last one may be short


def test_default_size_is_the_in_list_size() -> None:
    assert [len(c) for c in in_chunks(range(IN_LIST_SIZE * 2 + 1))] == [IN_LIST_SIZE, IN_LIST_SIZE, 1]


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(in_chunks([1, 2], 0))
