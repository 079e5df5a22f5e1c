"""Consortium builder benchmark: kscity (reduction + HiGHS) vs a plain PuLP/CBC model vs greedy, same instances.

Synthetic catalogues from a fixed-seed generator (`generate`): C required capabilities spread over the
seven services; firm sizes large 5 %, public 1 %, middle 14 %, SME 60 %, startup 20 %; SMEs and
startups hold 1–3 capabilities (70 % in one service), large firms 4+; TRL 4–9 (startups) or 6–9;
match scores Beta(2, 4); 10 % have in-country experience; 20 % of needs ask for TRL ≥ 7; teams of at
most C/3 members (so members must cover about three needs each: a tight cover), at least 2 SMEs,
member cost 0.25. Run: `.venv/bin/python bench/bench_consortium.py [--quick]`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from kscity.core.consortium import Candidate, Constraints, Need, best_consortia, build_instance, greedy_team

SIZES = ("large", "public", "middle", "sme", "startup")
SIZE_P = (0.05, 0.01, 0.14, 0.60, 0.20)
CASES = ((700, 30, 1e-6, 0.050), (5000, 60, 1e-6, 1.0), (10000, 84, 0.01, 10.0))  # firms, needs, gap, target s


def generate(n_firms: int, n_caps: int, seed: int = 20191) -> tuple[list[Need], list[Candidate], Constraints]:
    """A synthetic instance: needs, candidates, constraints (deterministic for a seed)."""
    rng = np.random.default_rng(seed + n_firms + n_caps)
    caps = [f"s{j % 7}:c{j}" for j in range(n_caps)]
    by_service = [[j for j in range(n_caps) if j % 7 == s] for s in range(7)]
    firms: list[Candidate] = []
    for i in range(n_firms):
        size = SIZES[int(rng.choice(5, p=SIZE_P))]
        m = {"large": 4, "public": 3, "middle": 2}.get(size, 1) + int(rng.geometric(0.6)) - 1
        home = by_service[int(rng.integers(7))]
        chosen: set[int] = set()
        while len(chosen) < min(m, n_caps):
            pool = home if rng.random() < 0.7 else list(range(n_caps))
            chosen.add(int(rng.choice(pool)))
        lo = 4 if size == "startup" else 6
        firms.append(Candidate(f"F{i:05d}", size, round(float(rng.beta(2, 4)), 4),  # type: ignore[arg-type]
                               {caps[j]: int(rng.integers(lo, 10)) for j in sorted(chosen)},
                               bool(rng.random() < 0.1)))
    needs = [Need(caps[j], 7 if rng.random() < 0.2 else None) for j in range(n_caps)]
    return needs, firms, Constraints(max_members=max(6, n_caps // 3), min_sme=2, member_cost=0.25)


def pulp_cbc(needs: list[Need], firms: list[Candidate], cons: Constraints, rel_gap: float,
             time_limit_s: float) -> tuple[float | None, float, str]:
    """The same model written plainly in PuLP and solved by CBC (no reduction, no incumbent)."""
    import pulp

    from kscity.core.consortium import covers

    prob = pulp.LpProblem("consortium", pulp.LpMaximize)
    x = {f.firm_id: pulp.LpVariable(f"x_{f.firm_id}", cat="Binary") for f in firms}
    prob += pulp.lpSum((f.score - cons.member_cost) * x[f.firm_id] for f in firms)
    for nd in needs:
        prob += pulp.lpSum(x[f.firm_id] for f in firms if covers(f, nd)) >= 1
    prob += pulp.lpSum(x[f.firm_id] for f in firms if f.can_lead) >= 1
    prob += pulp.lpSum(x[f.firm_id] for f in firms if f.is_sme) >= cons.min_sme
    prob += pulp.lpSum(x.values()) <= cons.max_members
    for f in firms:  # a member brings a needed capability unless it can lead
        if not f.can_lead and not any(covers(f, nd) for nd in needs):
            prob += x[f.firm_id] == 0
    t = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=rel_gap, timeLimit=time_limit_s, threads=1))
    seconds = time.perf_counter() - t
    proved = "optimal" if prob.sol_status == pulp.LpSolutionOptimal and prob.status == 1 else "not proved"
    value = pulp.value(prob.objective)
    return (float(value) if value is not None else None), seconds, proved


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows {figure, value, unit, baseline, ratio, target, ok} for `make bench`."""
    rows: list[dict[str, Any]] = []
    cases = CASES[:2] if quick else CASES
    for n, c, gap, target in cases:
        needs, firms, cons = generate(n, c)
        best_consortia(needs, firms[:50], cons, 1)  # warm-up (imports, HiGHS scheduler)
        times = []
        for _ in range(1 if quick else 3):
            t = time.perf_counter()
            res = best_consortia(needs, firms, cons, 1, rel_gap=gap, time_limit_s=30)
            times.append(time.perf_counter() - t)
        best = res.consortia[0]
        t = time.perf_counter()
        top5 = best_consortia(needs, firms, cons, 5, rel_gap=gap, time_limit_s=60)
        t5 = time.perf_counter() - t
        cbc_value, cbc_s, cbc_status = pulp_cbc(needs, firms, cons, gap, 60.0)
        inst = build_instance(needs, firms, cons, 1, reduce=False)
        t = time.perf_counter()
        g = greedy_team(inst)
        g_s = time.perf_counter() - t
        g_value = float(inst.net[g].sum()) if g is not None else float("nan")
        ks = float(np.median(times))
        label = f"{n} firms / {c} needs"
        rows.append({"figure": f"consortium {label}: kscity best team ({best.status}, gap {best.gap:.2%})",
                     "value": round(ks, 4), "unit": "s", "baseline": round(cbc_s, 4),
                     "ratio": round(cbc_s / ks, 2), "target": f"<= {target} s", "ok": ks <= target and (
                         best.status == "optimal" or best.gap <= gap)})
        rows.append({"figure": f"consortium {label}: PuLP/CBC plain model ({cbc_status}, objective {cbc_value})",
                     "value": round(cbc_s, 4), "unit": "s", "baseline": None, "ratio": None, "target": "",
                     "ok": True})
        rows.append({"figure": f"consortium {label}: kscity top-5 ({', '.join(x.status for x in top5.consortia)})",
                     "value": round(t5, 4), "unit": "s", "baseline": None, "ratio": None, "target": "", "ok": True})
        rows.append({"figure": f"consortium {label}: greedy gap to kscity best (greedy {g_s * 1000:.0f} ms)",
                     "value": round((best.objective - g_value) / abs(best.objective) * 100, 2), "unit": "%",
                     "baseline": None, "ratio": None, "target": "", "ok": True})
        rows.append({"figure": f"consortium {label}: kscity objective (CBC {cbc_value})",
                     "value": best.objective, "unit": "", "baseline": cbc_value, "ratio": None, "target": "",
                     "ok": cbc_value is None or best.objective >= cbc_value - 1e-6 - abs(cbc_value) * gap})
    return rows


def main() -> None:
    """Print the table."""
    rows = run(quick="--quick" in sys.argv)
    print(f"{'figure':<92} {'value':>10} {'unit':<4} {'baseline':>10} {'ratio':>7} {'target':<10} ok")
    for r in rows:
        print(f"{r['figure']:<92} {r['value']!s:>10} {r['unit']:<4} {r['baseline']!s:>10} {r['ratio']!s:>7} "
              f"{r['target']:<10} {'yes' if r['ok'] else 'NO'}")


if __name__ == "__main__":
    main()
