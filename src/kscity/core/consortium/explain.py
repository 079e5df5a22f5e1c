"""Why no consortium exists, in Korean and English.

First the simple causes, checked without a solver (a need no firm covers, no possible lead, too few
SMEs, no firm with in-country experience, more members owed than allowed). If none applies and the
solver still finds no team, each constraint is relaxed in turn and the ones whose relaxation makes a
team possible are reported as blocking (for the team size, with the smallest size that would work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kscity.core.consortium.model import Candidate, Constraints, Need, build_instance, covers


@dataclass(frozen=True)
class Reason:
    """One cause of infeasibility: a stable code, what it concerns, and the words in both languages."""

    code: str
    subject: str
    en: str
    ko: str


def _trl(need: Need) -> tuple[str, str]:
    if need.min_trl is None:
        return "", ""
    return f" at TRL {need.min_trl} or above", f" (TRL {need.min_trl} 이상)"


def simple_causes(needs: Sequence[Need], candidates: Sequence[Candidate], c: Constraints) -> list[Reason]:
    """Causes visible without solving: uncovered needs, no lead, too few SMEs or local firms, size."""
    out: list[Reason] = []
    pool = [x for x in candidates if x.firm_id not in c.must_exclude]
    for nd in needs:
        if any(covers(x, nd) for x in pool):
            continue
        t_en, t_ko = _trl(nd)
        anywhere = [x for x in candidates if covers(x, replace(nd, min_trl=None))]
        if any(covers(x, nd) for x in candidates):
            out.append(Reason("need_only_excluded", nd.capability,
                              f"only excluded firms cover '{nd.capability}'{t_en}",
                              f"'{nd.capability}'{t_ko} 역량은 제외된 기업만 보유합니다"))
        elif anywhere and nd.min_trl is not None:
            best = max(max((t for k, t in x.capabilities.items() if k == nd.capability
                            or k.startswith(nd.capability + ":")), default=0) for x in anywhere)
            out.append(Reason("need_trl", nd.capability,
                              f"no firm reaches TRL {nd.min_trl} for '{nd.capability}' (best available: {best})",
                              f"'{nd.capability}' 역량이 TRL {nd.min_trl}에 이르는 기업이 없습니다 (최고 {best})"))
        else:
            out.append(Reason("need_uncovered", nd.capability, f"no firm covers '{nd.capability}'{t_en}",
                              f"'{nd.capability}'{t_ko} 역량을 가진 기업이 없습니다"))
    if not any(x.can_lead for x in pool):
        out.append(Reason("no_lead", "lead", "no large firm or public corporation is available to lead",
                          "주관사가 될 대기업·공기업이 없습니다"))
    smes = sum(x.is_sme for x in pool)
    if smes < c.min_sme:
        out.append(Reason("too_few_sme", "min_sme", f"at least {c.min_sme} SMEs or startups are required but only "
                          f"{smes} are available", f"중소·스타트업이 최소 {c.min_sme}개 필요하지만 {smes}개뿐입니다"))
    if c.require_in_country and not any(x.in_country for x in pool):
        out.append(Reason("no_local", "in_country", "no firm has experience in the country (exports or deployments)",
                          "해당 국가 경험(수출·실적)이 있는 기업이 없습니다"))
    owed = c.min_sme + 1
    if owed > c.max_members:
        out.append(Reason("size", "max_members", f"a lead and {c.min_sme} SMEs need {owed} members but at most "
                          f"{c.max_members} are allowed", f"주관사 1개와 중소·스타트업 {c.min_sme}개에 {owed}개 "
                          f"기업이 필요하나 최대 {c.max_members}개만 허용됩니다"))
    forced = [x for x in candidates if x.firm_id in c.must_include]
    big = sum(x.can_lead for x in forced)
    if c.max_large is not None and big > c.max_large:
        out.append(Reason("must_include_large", "must_include", f"{big} must-include firms are large or public but "
                          f"at most {c.max_large} are allowed", f"필수 포함 기업 중 대기업·공기업이 {big}개로 허용 "
                          f"한도 {c.max_large}개를 넘습니다"))
    return out


def _feasible(needs: Sequence[Need], candidates: Sequence[Candidate], c: Constraints) -> bool:
    from kscity.core.consortium.solver import solve  # local import: explain is used by topk, which imports solve

    if simple_causes(needs, candidates, c):
        return False
    inst = build_instance(needs, candidates, c, 1)
    return solve(inst, time_limit_s=5.0, rel_gap=1.0).chosen is not None


def min_team_size(needs: Sequence[Need], candidates: Sequence[Candidate], c: Constraints) -> int | None:
    """The smallest team that meets every constraint but the size limit (None if there is none)."""
    from kscity.core.consortium.solver import solve

    relaxed = replace(c, max_members=max(len(candidates), 1))
    inst = build_instance(needs, candidates, relaxed, 1, reduce=False)
    inst.net = np.full(len(inst.candidates), -1.0)
    res = solve(inst, time_limit_s=5.0)
    return None if res.chosen is None else len(res.chosen)


def blocking_constraints(needs: Sequence[Need], candidates: Sequence[Candidate], c: Constraints) -> list[Reason]:
    """Relax one constraint at a time; report those whose relaxation lets a team exist."""
    out: list[Reason] = []
    if _feasible(needs, candidates, replace(c, max_members=max(len(candidates), 1))):
        m = min_team_size(needs, candidates, c)
        need_en = f"; the smallest team that covers every need has {m} members" if m else ""
        need_ko = f"; 모든 역량을 갖추려면 최소 {m}개 기업이 필요합니다" if m else ""
        out.append(Reason("max_members", "max_members", f"at most {c.max_members} members is too few{need_en}",
                          f"최대 구성원 {c.max_members}개로는 부족합니다{need_ko}"))
    if c.min_sme > 0 and _feasible(needs, candidates, replace(c, min_sme=0)):
        out.append(Reason("min_sme", "min_sme", f"at least {c.min_sme} SMEs or startups cannot be fitted in",
                          f"중소·스타트업 {c.min_sme}개 이상을 포함할 수 없습니다"))
    if c.require_in_country and _feasible(needs, candidates, replace(c, require_in_country=False)):
        out.append(Reason("in_country", "in_country", "the in-country experience requirement cannot be met",
                          "현지 경험 요건을 충족할 수 없습니다"))
    if c.must_include and _feasible(needs, candidates, replace(c, must_include=frozenset())):
        out.append(Reason("must_include", "must_include", "the must-include firms leave no room for a valid team",
                          "필수 포함 기업 때문에 유효한 팀을 구성할 수 없습니다"))
    if c.max_large is not None and _feasible(needs, candidates, replace(c, max_large=None)):
        out.append(Reason("max_large", "max_large", f"at most {c.max_large} large or public members is too few",
                          f"대기업·공기업 최대 {c.max_large}개 제한으로는 구성할 수 없습니다"))
    if c.must_exclude and _feasible(needs, candidates, replace(c, must_exclude=frozenset())):
        out.append(Reason("must_exclude", "must_exclude", "the excluded firms are needed for a valid team",
                          "제외한 기업 없이는 유효한 팀을 구성할 수 없습니다"))
    if not out:
        out.append(Reason("combination", "constraints", "no team meets all constraints together (each one alone "
                          "could be met)", "모든 조건을 동시에 만족하는 팀이 없습니다 (각 조건은 개별적으로는 충족 "
                          "가능)"))
    return out


def explain_infeasible(needs: Sequence[Need], candidates: Sequence[Candidate], c: Constraints) -> list[Reason]:
    """The reasons no consortium exists: simple causes if any, otherwise the blocking constraints."""
    return simple_causes(needs, candidates, c) or blocking_constraints(needs, candidates, c)
