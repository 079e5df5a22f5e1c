"""Loss waterfalls: hand-worked allocations and the rules (conservation, junior first, capped at size)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.finance.waterfall import pari_passu, sequential

SIZES = np.array([10.0, 30.0, 60.0])


def test_sequential_hand_worked() -> None:
    got = sequential(np.array([0.0, 5.0, 10.0, 25.0, 100.0, 130.0]), SIZES)
    expected = [[0, 0, 0], [5, 0, 0], [10, 0, 0], [10, 15, 0], [10, 30, 60], [10, 30, 60]]
    assert got.tolist() == expected


def test_pari_passu_hand_worked() -> None:
    got = pari_passu(np.array([0.0, 20.0, 100.0, 150.0]), SIZES)
    assert np.allclose(got, [[0, 0, 0], [2, 6, 12], [10, 30, 60], [10, 30, 60]])


sizes_st = st.lists(st.floats(0.0, 1e4), min_size=1, max_size=6).filter(lambda s: sum(s) > 0)


@given(sizes=sizes_st, losses=st.lists(st.floats(0.0, 1e5), min_size=1, max_size=50))
def test_properties_of_both_waterfalls(sizes: list[float], losses: list[float]) -> None:
    s, x = np.array(sizes), np.array(losses)
    total = s.sum()
    for alloc in (sequential(x, s), pari_passu(x, s)):
        # conservation: tranche losses add up to the portfolio loss (capped at the fund's capital)
        assert np.allclose(alloc.sum(axis=1), np.minimum(x, total), rtol=1e-9, atol=1e-6)
        # no tranche loses more than its size, none gains
        assert np.all(alloc <= s + 1e-9) and np.all(alloc >= 0)
    seq = sequential(x, s)
    # junior first: a senior tranche is hit only once every junior one is wiped out
    for k in range(1, len(s)):
        hit = seq[:, k] > 0
        assert np.allclose(seq[hit, :k], s[:k])
