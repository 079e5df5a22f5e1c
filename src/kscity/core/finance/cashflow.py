"""Project cash flows by year: drawdown, revenue, opex, debt service per tranche, DSCR, IRR/NPV, sensitivities.

Annual model in USD, pre-tax. Capex is spread evenly over the construction years and every funding line
draws pro rata with it; loans pay interest on the opening balance and repay in equal instalments after
grace, with any balance left at the horizon repaid in the last year. Revenue is in local currency, so an
exchange-rate shock scales revenue and the local part of opex; opex is a share of base revenue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy_financial as npf
from numpy.typing import NDArray

from kscity.core.finance.stack import StackLine
from kscity.errors import InvalidInput

Array = NDArray[np.float64]


@dataclass(frozen=True)
class CashflowInputs:
    """A project's cash-flow assumptions around its capital stack."""

    cost_usd: float
    construction_years: int
    horizon_years: int
    revenue_usd_per_year: float
    opex_share_of_revenue: float
    revenue_growth_pct: float
    discount_rate_pct: float
    lines: tuple[StackLine, ...]
    fx_depreciation: float = 0.0  # 0.1 = local currency 10 % weaker
    rate_shift_pct_points: float = 0.0
    revenue_factor: float = 1.0  # a revenue shock moves revenue only; opex is sized on base revenue
    opex_local_share: float = 0.7  # the rest of opex is in USD (imported equipment, foreign staff)


@dataclass(frozen=True)
class Cashflows:
    """Year-by-year flows and the summary figures."""

    years: tuple[int, ...]
    capex: tuple[float, ...]
    revenue: tuple[float, ...]
    opex: tuple[float, ...]
    cfads: tuple[float, ...]
    debt_service: dict[str, tuple[float, ...]]
    drawdown: dict[str, tuple[float, ...]]
    dscr: tuple[float | None, ...]
    project_flow: tuple[float, ...]
    equity_flow: tuple[float, ...]
    project_irr: float | None
    project_npv: float
    equity_irr: float | None
    equity_npv: float
    min_dscr: float | None


def validate_inputs(c: CashflowInputs) -> None:
    """Raise InvalidInput naming the field and its allowed range."""
    checks = [
        ("cost_usd", c.cost_usd > 0, "> 0", "0보다 커야"),
        ("horizon_years", 2 <= c.horizon_years <= 40, "between 2 and 40", "2~40년이어야"),
        ("construction_years", 1 <= c.construction_years < c.horizon_years, f"between 1 and {c.horizon_years - 1}",
         f"1~{c.horizon_years - 1}년이어야"),
        ("revenue_usd_per_year", c.revenue_usd_per_year >= 0, "≥ 0", "0 이상이어야"),
        ("opex_share_of_revenue", 0 <= c.opex_share_of_revenue <= 1, "between 0 and 1 (0–100 %)", "0~100%여야"),
        ("opex_local_share", 0 <= c.opex_local_share <= 1, "between 0 and 1", "0~1이어야"),
        ("revenue_growth_pct", -50 <= c.revenue_growth_pct <= 50, "between −50 and 50", "−50~50이어야"),
        ("discount_rate_pct", 0 <= c.discount_rate_pct <= 50, "between 0 and 50", "0~50이어야"),
    ]
    for name, ok, en, ko in checks:
        if not ok:
            raise InvalidInput(f"{name} must be {en}", f"{name}은(는) {ko} 합니다")


def _loan_schedule(amount: float, draws: Array, rate: float, tenor: int, grace: int, n: int) -> tuple[Array, Array]:
    """(interest, principal) per year for a loan drawn by `draws` (fractions), repaid from year grace+1."""
    drawn = amount * draws
    principal = np.zeros(n)
    years = np.arange(1, n + 1)
    start, end = grace + 1, min(tenor, n)
    if end >= start:
        principal[(years >= start) & (years <= end)] = amount / max(tenor - grace, 1)
    balance_end = np.cumsum(drawn) - np.cumsum(principal)
    # Whatever the instalments leave at the horizon is repaid in the last year.
    principal[-1] += max(balance_end[-1], 0.0)
    opening = np.concatenate(([0.0], np.cumsum(drawn)[:-1] - np.cumsum(principal)[:-1]))
    return np.maximum(opening, 0.0) * rate / 100.0, principal


def _irr(flows: Array) -> float | None:
    if not (np.any(flows < 0) and np.any(flows > 0)):
        return None
    value = float(npf.irr(flows))
    return value if math.isfinite(value) else None


def project_cashflows(c: CashflowInputs) -> Cashflows:
    """Year-by-year flows, DSCR and the project's and equity's IRR and NPV."""
    validate_inputs(c)
    n, k = c.horizon_years, c.construction_years
    years = np.arange(1, n + 1)
    scale = c.cost_usd / max(sum(ln.amount_usd for ln in c.lines), 1e-9)
    draws = np.where(years <= k, 1.0 / k, 0.0)
    capex = c.cost_usd * draws
    fx = 1.0 / (1.0 + c.fx_depreciation)
    growth = (1.0 + c.revenue_growth_pct / 100.0) ** np.maximum(years - k - 1, 0)
    base = np.where(years > k, c.revenue_usd_per_year * growth, 0.0)
    revenue = base * c.revenue_factor * fx
    opex = base * c.opex_share_of_revenue * (c.opex_local_share * fx + 1.0 - c.opex_local_share)
    cfads = revenue - opex
    service: dict[str, tuple[float, ...]] = {}
    drawdown: dict[str, tuple[float, ...]] = {}
    total_ds = np.zeros(n)
    debt_draws = np.zeros(n)
    grant_draws = np.zeros(n)
    for ln in c.lines:
        amount = ln.amount_usd * scale
        drawdown[ln.instrument] = tuple((amount * draws).tolist())
        if ln.kind == "loan":
            interest, principal = _loan_schedule(amount, draws, ln.rate_pct + c.rate_shift_pct_points,
                                                 ln.tenor_years, ln.grace_years, n)
            ds = interest + principal
            service[ln.instrument] = tuple(ds.tolist())
            total_ds += ds
            debt_draws += amount * draws
        elif ln.kind == "grant":
            grant_draws += amount * draws
    dscr = tuple(float(cf / ds) if ds > 1e-9 and y > k else None for cf, ds, y in zip(cfads, total_ds, years,
                                                                                  strict=True))
    project_flow = cfads - capex
    equity_flow = cfads - total_ds - capex + debt_draws + grant_draws
    r = c.discount_rate_pct / 100.0
    valid = [d for d in dscr if d is not None]
    # Without equity lines (a plain contract) the residual flow is the borrower's, and its IRR means nothing.
    has_equity = any(ln.kind == "equity" for ln in c.lines)
    return Cashflows(
        tuple(int(y) for y in years), tuple(capex.tolist()), tuple(revenue.tolist()), tuple(opex.tolist()),
        tuple(cfads.tolist()), service, drawdown, dscr, tuple(project_flow.tolist()), tuple(equity_flow.tolist()),
        _irr(project_flow), float(npf.npv(r, np.concatenate(([0.0], project_flow)))),
        _irr(equity_flow) if has_equity else None, float(npf.npv(r, np.concatenate(([0.0], equity_flow)))),
        min(valid) if valid else None,
    )


@dataclass(frozen=True)
class Sensitivity:
    """One row of the tornado: a variable shocked down and up, with the figures it moves."""

    variable: str
    low_label: str
    high_label: str
    low_equity_npv: float
    high_equity_npv: float
    low_project_npv: float
    high_project_npv: float
    low_min_dscr: float | None
    high_min_dscr: float | None


SHOCKS: tuple[tuple[str, str, str], ...] = (
    ("cost", "−10 %", "+10 %"),
    ("revenue", "−10 %", "+10 %"),
    ("interest_rate", "−1 %p", "+1 %p"),
    ("exchange_rate", "local −10 %", "local +10 %"),
)


def _shocked(c: CashflowInputs, variable: str, sign: int) -> CashflowInputs:
    if variable == "cost":
        factor = 1.0 + 0.1 * sign
        return replace(c, cost_usd=c.cost_usd * factor,
                       lines=tuple(replace(ln, amount_usd=ln.amount_usd * factor) for ln in c.lines))
    if variable == "revenue":
        return replace(c, revenue_factor=c.revenue_factor * (1.0 + 0.1 * sign))
    if variable == "interest_rate":
        return replace(c, rate_shift_pct_points=c.rate_shift_pct_points + sign)
    # A weaker local currency (sign −1) means fewer dollars of revenue.
    return replace(c, fx_depreciation=(1.0 + c.fx_depreciation) / (1.0 + 0.1 * sign) - 1.0)


def sensitivity_table(c: CashflowInputs) -> list[Sensitivity]:
    """Equity and project NPV and minimum DSCR with each variable shocked down and up (for a tornado)."""
    rows = []
    for variable, low, high in SHOCKS:
        lo, hi = project_cashflows(_shocked(c, variable, -1)), project_cashflows(_shocked(c, variable, +1))
        rows.append(Sensitivity(variable, low, high, lo.equity_npv, hi.equity_npv, lo.project_npv, hi.project_npv,
                                lo.min_dscr, hi.min_dscr))
    return rows
