"""Business registration number checksum (NTS rule)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.catalogue.brn import BrnError, is_valid_brn, make_brn, normalise_brn

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def test_a_published_number_passes() -> None:
    # Samsung Electronics' registration number, printed on its public filings.
    assert normalise_brn("1248100998") == "124-81-00998"


@given(nine_digits)
def test_made_numbers_pass_in_any_spelling(first: str) -> None:
    brn = make_brn(first)
    assert normalise_brn(brn) == brn
    assert normalise_brn(brn.replace("-", " ")) == brn
    assert is_valid_brn(brn.replace("-", ""))


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_every_single_digit_change_is_caught(first: str, position: int, shift: int) -> None:
    digits = make_brn(first).replace("-", "")
    changed = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1:]
    with pytest.raises(BrnError, match="checksum fails"):
        normalise_brn(changed)


@pytest.mark.parametrize("value", ["", "12-34", "12345678901", "abc-de-fghij", None])
def test_malformed_numbers_are_refused(value: object) -> None:
    with pytest.raises(BrnError):
        normalise_brn(value)


def test_number_cells_keep_leading_zeros() -> None:
    brn = make_brn("012345678")
    assert normalise_brn(int(brn.replace("-", ""))) == brn
