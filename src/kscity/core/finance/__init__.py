"""Finance core: capital stack, grant element, project cash flows, fund waterfalls and Monte Carlo (pure)."""

from kscity.core.finance.cashflow import CashflowInputs, Cashflows, Sensitivity, project_cashflows, sensitivity_table
from kscity.core.finance.effects import Effects, headline_effects
from kscity.core.finance.fund import (
    Portfolio,
    TrancheStats,
    build_portfolio,
    simulate_losses,
    tranche_stats,
    vasicek_tranche_el,
)
from kscity.core.finance.grant_element import loan_grant_element, package_grant_element
from kscity.core.finance.stack import Stack, StackLine, StackRequest, build_stack
from kscity.core.finance.tables import FinanceTables
from kscity.core.finance.waterfall import pari_passu, sequential

__all__ = [
    "CashflowInputs",
    "Cashflows",
    "Effects",
    "FinanceTables",
    "Portfolio",
    "Sensitivity",
    "Stack",
    "StackLine",
    "StackRequest",
    "TrancheStats",
    "build_portfolio",
    "build_stack",
    "headline_effects",
    "loan_grant_element",
    "package_grant_element",
    "pari_passu",
    "project_cashflows",
    "sensitivity_table",
    "sequential",
    "simulate_losses",
    "tranche_stats",
    "vasicek_tranche_el",
]
