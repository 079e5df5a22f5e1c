"""Consortium builder: against brute force on small hypothesis instances, constraints as properties, bad input."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kscity.core.consortium import Candidate, Consortium, Constraints, Need, best_consortia, covers
from kscity.errors import InvalidInput

CAPS = ("safety:intelligent_cctv", "safety:integrated_platform", "transport:bus_information_system",
        "eco:smart_water_management", "energy:smart_grid")


@st.composite
def instances(draw: st.DrawFn, max_firms: int = 8, max_members: int = 5
              ) -> tuple[list[Need], list[Candidate], Constraints]:
    n = draw(st.integers(2, max_firms))
    firms = []
    for i in range(n):
        caps = draw(st.dictionaries(st.sampled_from(CAPS), st.integers(5, 9), max_size=3))
        size = draw(st.sampled_from(["large", "public", "middle", "sme", "startup"]))
        score = draw(st.integers(0, 100)) / 100
        firms.append(Candidate(f"f{i}", size, score, caps, draw(st.booleans())))
    need_caps = draw(st.lists(st.sampled_from((*CAPS, "safety", "eco")), min_size=1, max_size=3, unique=True))
    needs = [Need(c, draw(st.sampled_from([None, 7, 9]))) for c in need_caps]
    ids = [f.firm_id for f in firms]
    include = draw(st.sets(st.sampled_from(ids), max_size=1))
    exclude = draw(st.sets(st.sampled_from([i for i in ids if i not in include]), max_size=1))
    cons = Constraints(max_members=draw(st.integers(max(1, len(include)), max_members)),
                       min_sme=draw(st.integers(0, 2)),
                       must_include=frozenset(include), must_exclude=frozenset(exclude),
                       require_in_country=draw(st.booleans()), member_cost=draw(st.sampled_from([0.0, 0.1, 0.5])),
                       max_large=draw(st.sampled_from([None, 1, 2])))
    return needs, firms, cons


def feasible(team: tuple[Candidate, ...], needs: list[Need], cons: Constraints) -> bool:
    """The model's rules, written independently of the solver."""
    ids = {f.firm_id for f in team}
    return (len(team) <= cons.max_members
            and all(any(covers(f, nd) for f in team) for nd in needs)
            and 1 <= sum(f.can_lead for f in team) <= (cons.max_large or len(team) + 1)
            and sum(f.is_sme for f in team) >= cons.min_sme
            and cons.must_include <= ids and not (cons.must_exclude & ids)
            and (not cons.require_in_country or any(f.in_country for f in team))
            and all(f.can_lead or f.firm_id in cons.must_include or any(covers(f, nd) for nd in needs)
                    for f in team))


def brute_force(needs: list[Need], firms: list[Candidate], cons: Constraints) -> list[float]:
    """Objective values of every feasible team, best first."""
    values = []
    for size in range(1, min(cons.max_members, len(firms)) + 1):
        for team in combinations(firms, size):
            if feasible(team, needs, cons):
                values.append(sum(f.score - cons.member_cost for f in team))
    return sorted(values, reverse=True)


def check_team(c: Consortium, needs: list[Need], firms: list[Candidate], cons: Constraints) -> None:
    by_id = {f.firm_id: f for f in firms}
    team = tuple(by_id[m.firm_id] for m in c.members)
    assert feasible(team, needs, cons)
    leads = [m for m in c.members if m.role == "lead"]
    assert len(leads) == 1 and leads[0].size in ("large", "public") and c.members[0] is leads[0]
    for m in c.members:  # roles name only needs the member really covers
        assert all(any(nd.capability == cap and covers(by_id[m.firm_id], nd) for nd in needs) for cap in m.covers)
    assert c.objective == pytest.approx(sum(f.score - cons.member_cost for f in team), abs=1e-6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(1, 4))
def test_matches_brute_force(inst: tuple[list[Need], list[Candidate], Constraints], k: int) -> None:
    compare_with_brute_force(inst, k)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_firms=16, max_members=3), st.integers(1, 3))
def test_dominance_reduction_keeps_the_k_best(inst: tuple[list[Need], list[Candidate], Constraints], k: int) -> None:
    # many firms, small teams: the reduction drops firms here, and the k best must survive it
    compare_with_brute_force(inst, k)


def compare_with_brute_force(inst: tuple[list[Need], list[Candidate], Constraints], k: int) -> None:
    needs, firms, cons = inst
    if len(cons.must_include) > cons.max_members:
        return
    expected = brute_force(needs, firms, cons)
    res = best_consortia(needs, firms, cons, k)
    if not expected:
        assert res.infeasible and res.reasons
        assert all(r.en and r.ko for r in res.reasons)
        return
    got = [c.objective for c in res.consortia]
    assert got == pytest.approx(expected[:k], abs=1e-6)
    assert len({c.firm_ids for c in res.consortia}) == len(res.consortia)  # distinct teams
    assert got == sorted(got, reverse=True)
    for c in res.consortia:
        check_team(c, needs, firms, cons)
        assert c.status == "optimal" and c.gap == 0.0


def _firm(fid: str, size: str, score: float, *caps: str, trl: int = 9, local: bool = False) -> Candidate:
    return Candidate(fid, size, score, {c: trl for c in caps}, local)  # type: ignore[arg-type]


FIRMS = [_firm("L1", "large", 0.6, "safety:integrated_platform"), _firm("P1", "public", 0.4),
         _firm("S1", "sme", 0.7, "safety:intelligent_cctv", trl=6),
         _firm("S2", "startup", 0.5, "eco:smart_water_management"),
         _firm("M1", "middle", 0.3, "transport:bus_information_system", "safety:intelligent_cctv")]


def test_uncovered_need_is_named() -> None:
    res = best_consortia([Need("healthcare:no-such-sub-solution")], FIRMS, Constraints())
    assert res.infeasible
    assert any(r.code == "need_uncovered" and "healthcare:no-such-sub-solution" in r.en and r.ko for r in res.reasons)


def test_trl_shortfall_is_named() -> None:
    res = best_consortia([Need("eco:smart_water_management", 10)], FIRMS, Constraints())
    assert [r.code for r in res.reasons] == ["need_trl"] and "10" in res.reasons[0].en


def test_team_size_blocking_gives_smallest_size() -> None:
    needs = [Need(c) for c in ("safety:integrated_platform", "safety:intelligent_cctv",
                               "eco:smart_water_management", "transport:bus_information_system")]
    res = best_consortia(needs, FIRMS, Constraints(max_members=2, min_sme=1))
    assert res.infeasible
    assert res.reasons[0].code == "max_members" and "3 members" in res.reasons[0].en
    assert best_consortia(needs, FIRMS, Constraints(max_members=3, min_sme=1)).consortia


def test_sme_rule_blocking_is_named() -> None:
    needs = [Need("safety:integrated_platform"), Need("transport:bus_information_system")]
    res = best_consortia(needs, FIRMS, Constraints(max_members=2, min_sme=1, must_exclude=frozenset({"S1"})))
    assert res.infeasible and {r.code for r in res.reasons} >= {"min_sme"}


def test_no_lead_is_named() -> None:
    res = best_consortia([Need("safety")], [f for f in FIRMS if not f.can_lead], Constraints())
    assert [r.code for r in res.reasons] == ["no_lead"]


def test_service_need_accepts_any_sub() -> None:
    res = best_consortia([Need("eco")], FIRMS, Constraints(max_members=3, min_sme=1), 1)
    assert "S2" in res.consortia[0].firm_ids


@pytest.mark.parametrize(("kwargs", "k", "word"), [
    ({}, 0, "k must be"),
    ({"max_members": 1, "must_include": frozenset({"S1", "S2"})}, 1, "must-include"),
    ({"must_include": frozenset({"nope"})}, 1, "unknown firm id"),
    ({"must_exclude": frozenset({"ghost"})}, 1, "unknown firm id"),
])
def test_bad_input_is_refused(kwargs: dict[str, object], k: int, word: str) -> None:
    with pytest.raises(InvalidInput) as err:
        best_consortia([Need("safety")], FIRMS, Constraints(**kwargs), k)  # type: ignore[arg-type]
    assert word in err.value.message_en and err.value.message_ko


def test_candidate_from_company_and_needs() -> None:
    from kscity.core.consortium import candidate_from_company, needs_from_classification, parse_need
    from kscity.model.catalogue import Company, Deployment, Solution
    from kscity.model.opportunity import Classification

    co = Company("1", "가", "A", "large", public_corporation=True, capabilities=(("eco", None),),
                 solutions=(Solution("s", "s", "s", "safety", "intelligent_cctv", trl=7,
                                     deployments=(Deployment("Lima", "PER", 2020),)),))
    c = candidate_from_company("f1", co, 0.5, "PER")
    assert c.size == "public" and c.in_country and c.can_lead
    assert covers(c, Need("safety:intelligent_cctv", 7)) and not covers(c, Need("safety:intelligent_cctv", 8))
    assert covers(c, Need("eco")) and not covers(c, Need("eco", 5))
    assert needs_from_classification(Classification("safety", "intelligent_cctv", 0.9)) == [
        Need("safety:intelligent_cctv")]
    assert needs_from_classification(Classification("not_smart_city", None, 0.9)) == []
    assert parse_need("healthcare:telemedicine@7") == Need("healthcare:telemedicine", 7)
    with pytest.raises(InvalidInput, match="--need"):
        parse_need("safety@high")
