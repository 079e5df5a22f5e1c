"""MIP solves of a reduced consortium instance on HiGHS (highspy): LP bound, restricted solves, no-good cuts.

The plain `highspy.Highs` wrapper prints a banner on stdout when first built, which would corrupt
`--format json` output, so the core uses the underlying `_Highs` object with output switched off.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from kscity.core.consortium.model import OPTIMAL_GAP, Instance


@dataclass(frozen=True)
class SolveResult:
    """What one solve returned: chosen indexes (None if none found), objective, proven bound and gap."""

    chosen: tuple[int, ...] | None
    objective: float
    bound: float
    gap: float
    infeasible: bool


@dataclass(frozen=True)
class LpBound:
    """The LP relaxation: its optimum, reduced costs and values (used to fix columns before the MIP)."""

    value: float
    reduced_cost: NDArray[np.float64]
    x: NDArray[np.float64]
    infeasible: bool


def _model(inst: Instance, cols: Sequence[int], cuts: Sequence[Sequence[int]], fixed_one: Collection[int],
           integer: bool) -> Any:
    c, xs = inst.constraints, inst.candidates
    inf = highspy.kHighsInf
    pos = {i: p for p, i in enumerate(cols)}
    lo: list[float] = []
    hi: list[float] = []
    idx: list[int] = []
    val: list[float] = []
    starts: list[int] = []

    def row(members: Sequence[int], lower: float, upper: float, coef: Sequence[float] | None = None) -> None:
        starts.append(len(idx))
        lo.append(lower)
        hi.append(upper)
        idx.extend(members)
        val.extend(coef if coef is not None else [1.0] * len(members))

    for need_cols in inst.cover:
        row([pos[i] for i in need_cols if i in pos], 1.0, inf)
    row([p for p, i in enumerate(cols) if xs[i].can_lead], 1.0, inf if c.max_large is None else float(c.max_large))
    if c.min_sme > 0:
        row([p for p, i in enumerate(cols) if xs[i].is_sme], float(c.min_sme), inf)
    row(range(len(cols)), 0.0, float(c.max_members))
    if c.require_in_country:
        row([p for p, i in enumerate(cols) if xs[i].in_country], 1.0, inf)
    for team in cuts:
        if any(i not in pos for i in team):
            continue  # a team using a column outside this model cannot recur here
        inside = {pos[i] for i in team}
        # no-good cut: the next team differs from this one in at least one member
        row(range(len(cols)), -inf, float(len(inside) - 1), [1.0 if p in inside else -1.0 for p in range(len(cols))])
    n = len(cols)
    h = highspy._Highs()  # type: ignore[attr-defined]
    h.setOptionValue("output_flag", False)
    lower = np.array([1.0 if (xs[i].firm_id in c.must_include or i in fixed_one) else 0.0 for i in cols])
    h.addCols(n, inst.net[np.asarray(cols, dtype=np.int64)].astype(np.float64), lower, np.ones(n), 0,
              np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    if integer and n:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    h.addRows(len(lo), np.array(lo), np.array(hi), len(idx), np.array(starts, dtype=np.int32),
              np.array(idx, dtype=np.int32), np.array(val, dtype=np.float64))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def lp_bound(inst: Instance) -> LpBound:
    """Solve the LP relaxation of the whole reduced instance."""
    n = len(inst.candidates)
    h = _model(inst, range(n), (), (), integer=False)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return LpBound(float("-inf"), np.zeros(n), np.zeros(n), True)
    sol = h.getSolution()
    return LpBound(float(h.getInfo().objective_function_value), np.asarray(sol.col_dual, dtype=np.float64),
                   np.asarray(sol.col_value, dtype=np.float64), False)


def restrict(inst: Instance, lp: LpBound, floor: float) -> tuple[list[int], set[int]]:
    """Columns that can be in a team worth ≥ floor, and those every such team must hold (reduced costs)."""
    slack = lp.value - floor + 1e-7
    rc = np.abs(lp.reduced_cost)
    at_zero = lp.x < 0.5
    cols = [i for i in range(len(inst.candidates)) if not (at_zero[i] and rc[i] > slack)]
    fixed_one = {i for i in cols if not at_zero[i] and rc[i] > slack}
    return cols, fixed_one


def solve(inst: Instance, *, cols: Sequence[int] | None = None, fixed_one: Collection[int] = (),
          cuts: Sequence[Sequence[int]] = (), incumbent: Sequence[int] | None = None, time_limit_s: float = 10.0,
          rel_gap: float = OPTIMAL_GAP, seed: int = 0) -> SolveResult:
    """Solve the instance on the given columns (all by default), minus the cut teams."""
    cols = list(range(len(inst.candidates))) if cols is None else list(cols)
    h = _model(inst, cols, cuts, fixed_one, integer=True)
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("random_seed", int(seed))
    if incumbent is not None and set(incumbent) <= set(cols):
        pos = {i: p for p, i in enumerate(cols)}
        x0 = np.zeros(len(cols))
        x0[[pos[i] for i in incumbent]] = 1.0
        h.setSolution(len(cols), np.arange(len(cols), dtype=np.int32), x0)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return SolveResult(None, float("-inf"), float("-inf"), float("inf"), True)
    if info.primal_solution_status != 2:  # no feasible point found within the limit
        return SolveResult(None, float("-inf"), float(info.mip_dual_bound), float("inf"), False)
    x = np.asarray(h.getSolution().col_value)
    chosen = tuple(cols[p] for p in np.flatnonzero(x > 0.5))
    obj = float(inst.net[list(chosen)].sum()) if chosen else 0.0
    bound = max(float(info.mip_dual_bound), obj)
    gap = (bound - obj) / max(abs(obj), 1e-9)
    return SolveResult(chosen, obj, bound, 0.0 if gap <= OPTIMAL_GAP else gap, False)
