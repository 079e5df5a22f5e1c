"""The plan's headline effects of the PIS fund, each with the formula that produced it (plan §4, KIEP)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Effects:
    """Orders supported and jobs, with their formulas in English and Korean."""

    orders_supported_usd: float
    jobs: float
    orders_formula_en: str
    orders_formula_ko: str
    jobs_formula_en: str
    jobs_formula_ko: str


def headline_effects(fund_total_krw_eok: float, plan_fund_krw_eok: float, plan_orders_usd: float,
                     jobs_per_usd_10bn: float) -> Effects:
    """Orders scale with the fund's size against the plan's (1.5조원 → USD 20 bn); jobs per USD 10 bn of orders."""
    orders = plan_orders_usd * fund_total_krw_eok / plan_fund_krw_eok
    jobs = orders / 10e9 * jobs_per_usd_10bn
    return Effects(
        orders, jobs,
        f"orders = USD {plan_orders_usd / 1e9:,.0f} bn × ({fund_total_krw_eok:,.0f}억원 / {plan_fund_krw_eok:,.0f}억원)"
        f" = USD {orders / 1e9:,.1f} bn",
        f"수주 지원 = {plan_orders_usd / 1e8:,.0f}억불 × ({fund_total_krw_eok:,.0f}억원 / {plan_fund_krw_eok:,.0f}억원)"
        f" = {orders / 1e8:,.0f}억불",
        f"jobs = orders / USD 10 bn × {jobs_per_usd_10bn:,.0f} (KIEP) = {jobs:,.0f}",
        f"일자리 = 수주액 / 100억불 × {jobs_per_usd_10bn:,.0f}명 (KIEP) = {jobs:,.0f}명",
    )
