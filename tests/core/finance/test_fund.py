"""The fund simulator: reproducible by seed, agrees with Vasicek's large-portfolio formula."""

from __future__ import annotations

import numpy as np
import pytest

from kscity.core.finance.fund import (
    Portfolio,
    allocate_by_mix,
    build_portfolio,
    simulate_losses,
    simulate_losses_loop,
    tranche_stats,
    vasicek_tranche_el,
)
from kscity.core.finance.waterfall import sequential


def homogeneous(n: int, pd: float, lgd: float) -> Portfolio:
    return Portfolio(tuple([1.0 / n] * n), tuple([pd] * n), tuple([lgd] * n), tuple([5] * n), tuple([0.0] * n))


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    p = homogeneous(50, 0.05, 0.7)
    a, _ = simulate_losses(np.random.default_rng(7), p, 0.2, 5000)
    b, _ = simulate_losses(np.random.default_rng(7), p, 0.2, 5000)
    c, _ = simulate_losses(np.random.default_rng(8), p, 0.2, 5000)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_tranche_expected_loss_matches_vasicek_within_three_standard_errors() -> None:
    pd, rho, lgd = 0.05, 0.2, 0.6
    p = homogeneous(4000, pd, lgd)
    losses, gains = simulate_losses(np.random.default_rng(11), p, rho, 8000)
    bounds = [(0.0, 0.03), (0.03, 0.07), (0.07, 1.0)]
    sizes = np.array([b - a for a, b in bounds])
    stats = tranche_stats(["government", "public", "private"], sizes, sequential(losses, sizes), gains, 10)
    for (a, b), s in zip(bounds, stats, strict=True):
        closed = vasicek_tranche_el(pd, rho, lgd, a, b)
        assert abs(s.expected_loss - closed) <= 3 * s.expected_loss_se + 1e-4 * closed, (a, b)
    assert float(losses.mean()) == pytest.approx(pd * lgd, rel=0.05)


def test_vectorised_and_loop_models_agree_in_distribution() -> None:
    p = homogeneous(20, 0.1, 1.0)
    vec, _ = simulate_losses(np.random.default_rng(1), p, 0.3, 4000)
    loop = simulate_losses_loop(np.random.default_rng(2), p, 0.3, 4000)
    se = np.sqrt(vec.var() / 4000 + loop.var() / 4000)
    assert abs(vec.mean() - loop.mean()) <= 4 * se


def test_risk_mix_allocation_and_horizon_pd() -> None:
    cats = allocate_by_mix(50, {2: 0.1, 3: 0.2, 4: 0.25, 5: 0.2, 6: 0.15, 7: 0.1})
    assert len(cats) == 50 and cats.count(4) in (12, 13) and cats.count(2) == 5
    port = build_portfolio(10, 100.0, {7: 1.0}, {7: 0.1}, 0.7, 2, 10.0)
    assert port.pd[0] == pytest.approx(1 - 0.9**2) and sum(port.exposure) == pytest.approx(100.0)
    assert port.gross_return[0] == pytest.approx(1.1**2 - 1)
