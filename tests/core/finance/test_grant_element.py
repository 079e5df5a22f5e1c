"""Grant element: hand-worked loans and the rules every loan obeys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.finance.grant_element import loan_grant_element, package_grant_element


def test_grant_is_fully_concessional() -> None:
    assert loan_grant_element(0.0, 0, 0, 10.0) == 1.0


def test_one_year_interest_free_loan_at_ten_percent() -> None:
    # Repay 1 after one year: PV = 1/1.1, grant element 1 − 1/1.1.
    assert loan_grant_element(0.0, 1, 0, 10.0) == pytest.approx(1 - 1 / 1.1)


def test_two_year_loan_with_one_year_grace_hand_worked() -> None:
    # 2 % loan, grace 1, tenor 2, discount 10 %: year 1 pays 0.02, year 2 pays 1.02.
    pv = 0.02 / 1.1 + 1.02 / 1.1**2
    assert loan_grant_element(2.0, 2, 1, 10.0) == pytest.approx(1 - pv)


@given(rate=st.floats(0, 20), tenor=st.integers(1, 40), grace=st.integers(0, 39))
def test_loan_at_the_discount_rate_has_no_grant_element(rate: float, tenor: int, grace: int) -> None:
    assert loan_grant_element(rate, tenor, grace, rate) == pytest.approx(0.0, abs=1e-9)


@given(rate=st.floats(0, 9), tenor=st.integers(2, 40), grace=st.integers(0, 20))
def test_longer_grace_is_never_less_concessional_below_the_discount_rate(rate: float, tenor: int, grace: int) -> None:
    g = min(grace, tenor - 2)
    assert loan_grant_element(rate, tenor, g + 1, 10.0) >= loan_grant_element(rate, tenor, g, 10.0) - 1e-12


def test_package_counts_non_concessional_lines_as_zero() -> None:
    assert package_grant_element([50, 50], [0.4, -0.2]) == pytest.approx(0.2)
