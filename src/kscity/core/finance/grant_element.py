"""Grant element of a loan: 1 − PV(debt service) / face value, at a stated discount-rate convention.

Annual payments; the face value is disbursed at t = 0; interest only during grace, then equal principal
instalments to maturity (the OECD DAC and IMF calculators use the same shape, semi-annual).
"""

from __future__ import annotations

import numpy as np


def loan_grant_element(rate_pct: float, tenor_years: int, grace_years: int, discount_pct: float) -> float:
    """Grant element (fraction of face value) of a loan; 1.0 for a grant (tenor 0)."""
    if tenor_years <= 0:
        return 1.0
    grace = min(max(grace_years, 0), tenor_years - 1)
    t = np.arange(1, tenor_years + 1)
    principal = np.where(t > grace, 1.0 / (tenor_years - grace), 0.0)
    opening = 1.0 - np.concatenate(([0.0], np.cumsum(principal)[:-1]))
    service = principal + opening * rate_pct / 100.0
    pv = float(np.sum(service / (1.0 + discount_pct / 100.0) ** t))
    return 1.0 - pv


def package_grant_element(amounts: list[float], elements: list[float]) -> float:
    """Amount-weighted grant element of a package; non-concessional lines (negative) count as zero."""
    total = float(sum(amounts))
    if total <= 0:
        return 0.0
    return float(sum(a * max(e, 0.0) for a, e in zip(amounts, elements, strict=True)) / total)
