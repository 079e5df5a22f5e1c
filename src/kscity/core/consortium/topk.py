"""The k best distinct consortia: solve, cut the team off with a no-good cut, solve again.

Each team carries its own status: "optimal" when HiGHS proved it best among the teams not yet listed,
otherwise "feasible" with the proven relative gap. When no team exists the result says why.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from kscity.core.consortium.explain import Reason, explain_infeasible, simple_causes
from kscity.core.consortium.model import (
    OPTIMAL_GAP,
    Candidate,
    Consortium,
    Constraints,
    Need,
    assemble,
    build_instance,
    validate,
)
from kscity.core.consortium.solver import lp_bound, restrict, solve

TIME_LIMIT_REASON = Reason("time_limit", "time_limit",
                           "no team was found within the time limit; allow more time or fewer needs",
                           "제한 시간 안에 팀을 찾지 못했습니다; 시간을 늘리거나 필요 역량을 줄이세요")


@dataclass(frozen=True)
class ConsortiumResult:
    """Best-first consortia, or (when none exists) the reasons; plus solver figures for the curious."""

    consortia: tuple[Consortium, ...]
    reasons: tuple[Reason, ...] = ()
    candidates_after_reduction: int = 0
    seconds: float = 0.0

    @property
    def infeasible(self) -> bool:
        """True when no consortium meets the constraints."""
        return not self.consortia


def best_consortia(needs: Sequence[Need], candidates: Sequence[Candidate], constraints: Constraints, k: int = 5,
                   *, time_limit_s: float = 10.0, rel_gap: float = OPTIMAL_GAP, seed: int = 0) -> ConsortiumResult:
    """Up to k distinct consortia, best first; InvalidInput for bad input (k < 1, unknown ids, N too small)."""
    t0 = time.perf_counter()
    validate(needs, candidates, constraints, k)
    quick = simple_causes(needs, candidates, constraints)
    if quick:
        return ConsortiumResult((), tuple(quick), 0, time.perf_counter() - t0)
    inst = build_instance(needs, candidates, constraints, k)
    n = len(inst.candidates)
    lp = lp_bound(inst)
    if lp.infeasible:
        return ConsortiumResult((), tuple(explain_infeasible(needs, candidates, constraints)), n,
                                time.perf_counter() - t0)
    # Start with the columns that can be in a team within 1 % of the LP bound (reduced-cost fixing done
    # here rather than inside HiGHS, so its presolve sees a few hundred columns, not thousands); widen
    # when that set runs out before k teams are certified.
    margin = max(0.01, rel_gap) * max(abs(lp.value), 1.0)
    found: list[Consortium] = []
    cuts: list[tuple[int, ...]] = []
    deadline = t0 + time_limit_s
    tolerance = max(rel_gap, OPTIMAL_GAP)
    while len(found) < k:
        floor = lp.value - margin
        cols, fixed = restrict(inst, lp, floor)
        full = len(cols) == n and not fixed
        left = deadline - time.perf_counter()
        res = solve(inst, cols=cols, fixed_one=fixed, cuts=cuts,
                    time_limit_s=max(left, 0.05), rel_gap=rel_gap, seed=seed)
        if res.chosen is None and full:
            if res.infeasible and not found:
                return ConsortiumResult((), tuple(explain_infeasible(needs, candidates, constraints)), n,
                                        time.perf_counter() - t0)
            break
        bound = res.bound if full else max(res.bound, floor)
        gap = (bound - res.objective) / max(abs(res.objective), 1e-9) if res.chosen is not None else float("inf")
        out_of_time = time.perf_counter() >= deadline
        if res.chosen is not None and (gap <= tolerance or out_of_time):
            gap = 0.0 if gap <= OPTIMAL_GAP else gap
            found.append(assemble(inst, res.chosen, "optimal" if gap == 0.0 else "feasible", gap))
            cuts.append(res.chosen)
            if out_of_time:
                break
            continue
        if out_of_time:
            break
        # the restricted set could not certify a team: widen it (down to the team just found, if any)
        below = lp.value - res.objective if res.chosen is not None else 0.0
        margin = max(margin * 4, below + 0.01 * abs(lp.value))
    if not found:
        return ConsortiumResult((), (TIME_LIMIT_REASON,), n, time.perf_counter() - t0)
    return ConsortiumResult(tuple(found), (), n, time.perf_counter() - t0)
