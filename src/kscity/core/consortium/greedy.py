"""A greedy team builder: the benchmark's baseline and the solver's first incumbent.

Start from the must-include firms, add the best lead, then repeatedly the firm that covers the most
uncovered needs (ties by net score), then SMEs up to min_sme, then any firm that still adds value,
within max_members. It is fast and usually good, never proven: the benchmark reports its gap.
"""

from __future__ import annotations

from collections.abc import Callable

from kscity.core.consortium.model import Instance


def _fits(inst: Instance, team: list[int], i: int) -> bool:
    c = inst.constraints
    if i in team or len(team) >= c.max_members:
        return False
    if c.max_large is not None and inst.candidates[i].can_lead:
        return sum(inst.candidates[t].can_lead for t in team) < c.max_large
    return True


def _slots_needed(inst: Instance, team: list[int]) -> int:
    """Members still owed to side constraints (lead, SMEs, local experience)."""
    c, xs = inst.constraints, inst.candidates
    owed = max(0, c.min_sme - sum(xs[t].is_sme for t in team))
    owed += 0 if any(xs[t].can_lead for t in team) else 1
    if c.require_in_country and not any(xs[t].in_country for t in team):
        owed += 1
    return owed


def greedy_team(inst: Instance) -> list[int] | None:
    """Indexes of a feasible team found greedily, or None when the greedy gets stuck."""
    xs, c = inst.candidates, inst.constraints
    team = [i for i, x in enumerate(xs) if x.firm_id in c.must_include]
    covered = {j for t in team for j in inst.covered_by[t]}

    def take(pred: Callable[[int], bool], key: Callable[[int], tuple[int, float] | float]) -> bool:
        pool = [i for i in range(len(xs)) if _fits(inst, team, i) and pred(i)]
        if not pool:
            return False
        best = max(pool, key=key)
        team.append(best)
        covered.update(inst.covered_by[best])
        return True

    def gain(i: int) -> tuple[int, float]:
        return (len(set(inst.covered_by[i]) - covered), float(inst.net[i]))

    if not any(xs[t].can_lead for t in team) and not take(lambda i: xs[i].can_lead, gain):
        return None
    if c.require_in_country and not any(xs[t].in_country for t in team):
        take(lambda i: xs[i].in_country, gain)
    while len(covered) < len(inst.needs):
        # leave room for the SMEs still owed, preferring SMEs that also cover something
        owed_sme = max(0, c.min_sme - sum(xs[t].is_sme for t in team))
        room = c.max_members - len(team)
        only_sme = owed_sme >= room
        def useful(i: int, sme_only: bool = only_sme) -> bool:
            return gain(i)[0] > 0 and (xs[i].is_sme or not sme_only)

        if not take(useful, gain):
            return None
    while sum(xs[t].is_sme for t in team) < c.min_sme:
        if not take(lambda i: xs[i].is_sme, lambda i: float(inst.net[i])):
            return None
    while _slots_needed(inst, team) == 0 and take(lambda i: inst.net[i] > 0, lambda i: float(inst.net[i])):
        pass
    if _slots_needed(inst, team) > 0 or len(covered) < len(inst.needs):
        return None
    return prune(inst, team)


def prune(inst: Instance, team: list[int]) -> list[int]:
    """Drop members with a negative net score whose needs others cover, while constraints still hold."""
    xs, c = inst.candidates, inst.constraints
    for t in sorted(team, key=lambda i: float(inst.net[i])):
        if inst.net[t] >= 0 or xs[t].firm_id in c.must_include:
            continue
        rest = [u for u in team if u != t]
        covered = {j for u in rest for j in inst.covered_by[u]}
        if len(covered) == len(inst.needs) and _slots_needed(inst, rest) == 0:
            team = rest
    return team
