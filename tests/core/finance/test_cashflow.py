"""Project cash flows: a hand-worked loan schedule, DSCR, and the direction of each sensitivity."""

from __future__ import annotations

import pytest

from kscity.core.finance.cashflow import CashflowInputs, project_cashflows, sensitivity_table
from kscity.core.finance.stack import StackLine, StackRequest, build_stack
from kscity.core.finance.tables import FinanceTables
from kscity.errors import InvalidInput
from tests.core.finance.conftest import PERU


def line(inst: str, kind: str, amount: float, rate: float = 0.0, tenor: int = 0, grace: int = 0) -> StackLine:
    return StackLine(inst, kind, amount, 0.0, rate, tenor, grace, 0.0, 0.0, "", "", "", inst, inst)


def test_hand_worked_single_loan() -> None:
    # 100 built in year 1, all debt at 10 %, tenor 3, grace 1: principal 50 in years 2 and 3,
    # interest 0 (nothing outstanding at the start of year 1), then 10, then 5.
    c = CashflowInputs(100.0, 1, 3, 80.0, 0.25, 0.0, 10.0, (line("private_debt", "loan", 100.0, 10.0, 3, 1),),
                       opex_local_share=1.0)
    f = project_cashflows(c)
    assert f.debt_service["private_debt"] == pytest.approx((0.0, 60.0, 55.0))
    assert f.cfads == pytest.approx((0.0, 60.0, 60.0))
    assert f.dscr == (None, pytest.approx(1.0), pytest.approx(60 / 55))
    assert f.project_flow == pytest.approx((-100.0, 60.0, 60.0))
    assert f.equity_irr is None  # no equity line: a plain contract


def test_equity_irr_hand_worked() -> None:
    # All equity: −100 then 60, 60 → IRR solves 100 = 60/(1+r) + 60/(1+r)^2, r ≈ 13.07 %.
    c = CashflowInputs(100.0, 1, 3, 80.0, 0.25, 0.0, 10.0, (line("private_equity", "equity", 100.0),))
    f = project_cashflows(c)
    assert f.equity_irr == pytest.approx(0.1306623862918075)
    assert f.equity_npv == pytest.approx(-100 / 1.1 + 60 / 1.1**2 + 60 / 1.1**3)


def test_sensitivities_move_the_right_way(tables: FinanceTables) -> None:
    s = build_stack(StackRequest(PERU, 300e6, True, True, ("large", "sme")), tables)
    c = CashflowInputs(300e6, 3, 20, 50e6, 0.3, 2.0, 10.0, s.lines)
    rows = {r.variable: r for r in sensitivity_table(c)}
    assert rows["cost"].low_equity_npv > rows["cost"].high_equity_npv
    assert rows["revenue"].low_equity_npv < rows["revenue"].high_equity_npv
    assert rows["interest_rate"].low_equity_npv > rows["interest_rate"].high_equity_npv
    assert rows["exchange_rate"].low_equity_npv < rows["exchange_rate"].high_equity_npv
    # debt drawn equals the loan lines; all debt repaid by the horizon
    f = project_cashflows(c)
    loans = {ln.instrument: ln.amount_usd for ln in s.lines if ln.kind == "loan"}
    for inst, amount in loans.items():
        assert sum(f.drawdown[inst]) == pytest.approx(amount)


def test_bad_horizon_names_the_field() -> None:
    with pytest.raises(InvalidInput, match="horizon_years"):
        project_cashflows(CashflowInputs(100.0, 1, 41, 10.0, 0.2, 0.0, 10.0, ()))
