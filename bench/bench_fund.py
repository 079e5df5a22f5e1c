"""Benchmark: the PIS fund Monte Carlo, 100,000 paths × 50 stakes, against a plain per-path Python loop.

The loop runs a smaller number of paths in the same process; its time is scaled per path to the full run,
so the ratio compares like with like. Target: the vectorised run within 1 s. Run alone:
`.venv/bin/python bench/bench_fund.py [--quick]`.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from kscity.core.finance.fund import Portfolio, build_portfolio, run_waterfalls, simulate_losses, simulate_losses_loop
from kscity.services.finance import default_tranche_shares, finance_tables

TARGET_S = 1.0


def _portfolio(projects: int) -> tuple[Portfolio, float, float]:
    t = finance_tables()
    f = t.fund
    mix = {int(k): float(v) for k, v in f["risk_mix"].items()}
    capital = float(f["smart_city_share_krw_eok"])
    p = build_portfolio(projects, capital, mix, t.annual_pd, t.lgd["spc_equity"], float(f["horizon_years"]),
                        float(f["target_equity_return_pct"]))
    return p, float(f["asset_correlation"]), capital


def run(quick: bool = False) -> list[dict[str, object]]:
    """Time the vectorised simulation plus both waterfalls and the per-path loop baseline; one row per figure."""
    paths, loop_paths = (20_000, 1_000) if quick else (100_000, 5_000)
    projects = 50
    portfolio, rho, capital = _portfolio(projects)
    sizes = np.array([capital * s / 100 for s in default_tranche_shares()])
    simulate_losses(np.random.default_rng(0), portfolio, rho, 1000)  # warm-up (imports, caches)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        losses, _gains = simulate_losses(np.random.default_rng(1), portfolio, rho, paths)
        run_waterfalls(losses, sizes)
        best = min(best, time.perf_counter() - t0)
    t0 = time.perf_counter()
    simulate_losses_loop(np.random.default_rng(1), portfolio, rho, loop_paths)
    loop_scaled = (time.perf_counter() - t0) * paths / loop_paths
    return [
        {"figure": f"fund Monte Carlo {paths:,} paths × {projects} stakes (+ PIS and GIF waterfalls)",
         "value": round(best, 4), "unit": "s", "baseline": round(loop_scaled, 2),
         "ratio": round(loop_scaled / best, 1), "target": f"≤ {TARGET_S} s", "ok": best <= TARGET_S},
    ]


def main() -> None:
    """Print the table."""
    rows = run(quick="--quick" in sys.argv)
    print(f"{'figure':<72}{'value':>9} {'unit':<4}{'loop baseline':>15}{'ratio':>9}  target     ok")
    for r in rows:
        print(f"{r['figure']:<72}{r['value']:>9} {r['unit']:<4}{r['baseline']:>13} s{r['ratio']:>8}×  "
              f"{r['target']:<10} {r['ok']}")


if __name__ == "__main__":
    main()
