"""One scoring model both ways: firms for an opportunity, opportunities for a firm, with parts and reasons.

Each query scores every document on the vectorised parts (text, service, experience, size, maturity,
support), keeps a shortlist, then scores the shortlist exactly with the pure parts (adding the code
hierarchy and the best-fitting solution) and writes the explanation in Korean and English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kscity.core.eligibility import INSTRUMENT_NAMES
from kscity.core.match import parts as P
from kscity.core.match.index import (
    Encoder,
    Firm,
    FirmIndex,
    Opportunity,
    OpportunityIndex,
    default_encoder,
    firm_codes,
    firm_text,
    opportunity_codes,
    opportunity_text,
    solution_texts,
    tokenize,
)
from kscity.core.match.weights import Weights
from kscity.model.catalogue import Solution

SHORTLIST = 60  # exact rescoring of the best prefiltered documents (the prefilter shares all parts but codes)


@dataclass(frozen=True)
class MatchContext:
    """Everything a ranking reads besides the two sides: weights, regions, support, labels, encoder."""

    weights: Weights = field(default_factory=Weights)
    region_of: Mapping[str, str] = field(default_factory=dict)  # iso3 → region id
    support: Mapping[str, frozenset[str]] = field(default_factory=dict)  # iso3 → eligible instrument ids
    labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # service/sub/region/iso3 id → (ko, en)
    encoder: Encoder | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a pair matches, in Korean and English."""

    ko: str
    en: str


@dataclass(frozen=True)
class RankedFirm:
    """A firm for an opportunity: score, parts, fitting solutions (best first) and explanation."""

    firm_id: str
    firm: str  # the English name (the Korean one when there is none)
    score: float
    parts: dict[str, float]
    solutions: tuple[str, ...]
    explanation: Explanation
    firm_ko: str = ""  # the Korean name (the English one when there is none), for Korean pages


@dataclass(frozen=True)
class RankedOpportunity:
    """An opportunity for a firm: score, parts and explanation."""

    ocid: str
    title: str
    score: float
    parts: dict[str, float]
    explanation: Explanation


@dataclass(frozen=True)
class PairScore:
    """The exact score of one pair with its parts and the solution that fits best."""

    score: float
    parts: dict[str, float]
    solutions: tuple[Solution, ...]
    explanation: Explanation | None


def _label(ctx: MatchContext, key: str | None) -> tuple[str, str]:
    if not key:
        return "", ""
    return ctx.labels.get(key, (key, key))


def _solution_fit(opp: Opportunity, firm: Firm) -> list[tuple[float, Solution | None]]:
    sub = opp.classification.sub_solution if opp.classification else None
    fits: list[tuple[float, Solution | None]] = [(P.service_fit(opp.service, sub, s.service, s.sub_solution), s)
                                                 for s in firm.company.solutions]
    fits += [(P.service_fit(opp.service, sub, sv, sb), None) for sv, sb in firm.company.capabilities]
    return sorted(fits, key=lambda t: -t[0])


def score_pair(opp: Opportunity, firm: Firm, cosine: float, bm25: float, ctx: MatchContext,
               with_explanation: bool = True) -> PairScore:
    """The exact score of one opportunity–firm pair (cosine and BM25 come from the index)."""
    w = ctx.weights.normalised()
    fits = _solution_fit(opp, firm)
    service = fits[0][0] if fits else 0.0
    good = tuple(s for f, s in fits if s is not None and f > 0)
    # maturity of the solutions, a fitting one counting fully and others half: a max over solutions, so
    # adding a solution or raising a TRL can never lower it
    maturity = max((P.maturity_fit(s.trl) * (0.5 + 0.5 * (f > 0)) for f, s in fits if s is not None),
                   default=P.maturity_fit(None) * 0.5)
    country = opp.notice.country
    exp = P.experience(firm.company, country, ctx.region_of)
    eligible = ctx.support.get(country or "", frozenset())
    parts = {"service": service, "codes": P.code_fit(opportunity_codes(opp.notice), firm_codes(firm.company)),
             "text": P.text_relevance(cosine, bm25, ctx.weights.text), "experience": P.experience_fit(exp),
             "maturity": maturity, "size": P.size_fit(firm.company.size),
             "support": P.support_fit(eligible)}
    score = sum(w[k] * v for k, v in parts.items())
    why = explain(opp, firm, parts, good[0] if good else None, exp, eligible, ctx) if with_explanation else None
    return PairScore(round(score, 6), {k: round(v, 4) for k, v in parts.items()}, good, why)


def explain(opp: Opportunity, firm: Firm, parts: Mapping[str, float], solution: Solution | None,
            exp: P.Experience, eligible: frozenset[str], ctx: MatchContext) -> Explanation:
    """Phrases for the parts that carry the match, joined with '; '."""
    ko: list[str] = []
    en: list[str] = []
    title = opp.notice.title if len(opp.notice.title) <= 60 else opp.notice.title[:57] + "…"
    if solution is not None and parts["service"] > 0:
        s_ko, s_en = _label(ctx, solution.service)
        ko.append(f"{solution.name_ko or solution.name_en} ({s_ko}) ↔ '{title}'")
        en.append(f"{solution.name_en or solution.name_ko} ({s_en}) ↔ '{title}'")
    elif parts["text"] >= 0.25:
        ko.append(f"설명이 '{title}'와(과) 유사")
        en.append(f"description similar to '{title}'")
    if parts["codes"] >= 0.6:
        ko.append("CPV/UNSPSC 코드 일치")
        en.append("CPV/UNSPSC codes match")
    c_ko, c_en = _label(ctx, opp.notice.country)
    region = ctx.region_of.get(opp.notice.country or "")
    r_ko, r_en = _label(ctx, region)
    n_c = exp.country_deployments
    n_r = exp.region_deployments
    if n_c:
        ko.append(f"{c_ko} 구축 실적 {n_c}건")
        en.append(f"{n_c} deployment{'s' if n_c > 1 else ''} in {c_en}")
    if exp.country_exports:
        ko.append(f"{c_ko} 수출 실적 {exp.country_exports}건")
        en.append(f"{exp.country_exports} export record{'s' if exp.country_exports > 1 else ''} to {c_en}")
    if n_r:
        ko.append(f"{r_ko} 지역 구축 실적 {n_r}건")
        en.append(f"{n_r} deployment{'s' if n_r > 1 else ''} in {r_en}")
    if firm.company.size in ("sme", "startup"):
        ko.append("중소기업" if firm.company.size == "sme" else "스타트업")
        en.append("SME" if firm.company.size == "sme" else "startup")
    for inst in P.SUPPORT_INSTRUMENTS:
        if inst in eligible and inst in ("ksure_special", "kexim_special", "edcf", "edpf", "pis_fund"):
            ko.append(f"{INSTRUMENT_NAMES[inst][0]} 적용")
            en.append(f"{INSTRUMENT_NAMES[inst][1]} applies")
    if not en:
        ko.append("관련성 낮음")
        en.append("weak match")
    return Explanation("; ".join(ko), "; ".join(en))


def _embed(texts: Sequence[str], ctx: MatchContext) -> NDArray[np.float32]:
    e = np.asarray((ctx.encoder or default_encoder)(list(texts)), dtype=np.float32)
    out: NDArray[np.float32] = (e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)).astype(np.float32)
    return out


def _text_vector(cos: NDArray[np.float32], bm: NDArray[np.float32], ctx: MatchContext) -> NDArray[np.float64]:
    s = ctx.weights.text
    e = np.clip((cos - s.cos_floor) / (s.cos_ceiling - s.cos_floor), 0.0, 1.0)
    b = np.maximum(bm, 0) / (np.maximum(bm, 0) + s.half_bm25)
    return np.asarray(s.embedding_share * e + (1 - s.embedding_share) * b, dtype=np.float64)


def _shortlist(pre: NDArray[np.float64], limit: int) -> NDArray[np.int64]:
    m = min(len(pre), max(SHORTLIST, 5 * limit))
    if m == len(pre):
        return np.arange(len(pre))
    return np.argpartition(-pre, m - 1)[:m]


def rank_firms(opportunity: Opportunity, firms: FirmIndex | Sequence[Firm], ctx: MatchContext,
               limit: int = 20, embedding: NDArray[np.float32] | None = None) -> list[RankedFirm]:
    """Firms for an opportunity, best first (ties by firm id)."""
    index = firms if isinstance(firms, FirmIndex) else FirmIndex.build(firms, ctx.encoder)
    if index.n == 0 or limit <= 0:
        return []
    w = ctx.weights.normalised()
    text = opportunity_text(opportunity.notice)
    q = embedding if embedding is not None else _embed([text], ctx)[0]
    cos, bm = index.text_scores(q, tokenize([text])[0])
    pre = w["text"] * _text_vector(cos, bm, ctx) + w["size"] * index.size
    pre += w["maturity"] * np.clip((np.nan_to_num(index.max_trl, nan=6.0) - 3) / 6, 0, 1)  # upper bound
    if opportunity.service:
        sub = opportunity.classification.sub_solution if opportunity.classification else None
        fit = 0.5 * index.services.get(opportunity.service, np.zeros(index.n, bool))
        fit = np.maximum(fit, 0.7 * index.pairs.get((opportunity.service, None), np.zeros(index.n, bool)))
        if sub is None:
            fit = np.maximum(fit, 0.7 * (fit > 0))
        else:
            fit = np.maximum(fit, 1.0 * index.pairs.get((opportunity.service, sub), np.zeros(index.n, bool)))
        pre += w["service"] * fit
    country = opportunity.notice.country
    if country and country in index.by_country:
        pre += w["experience"] * (1 - np.exp(-0.8 * index.by_country[country]))
    scored = sorted(((score_pair(opportunity, index.firms[i], float(cos[i]), float(bm[i]), ctx, False).score, int(i))
                     for i in _shortlist(pre, limit)), key=lambda t: (-t[0], index.firms[t[1]].firm_id))
    out = []
    for _, i in scored[:limit]:
        f = index.firms[i]
        ps = score_pair(opportunity, f, float(cos[i]), float(bm[i]), ctx)
        assert ps.explanation is not None
        out.append(RankedFirm(f.firm_id, f.company.name_en or f.company.name_ko, ps.score, ps.parts,
                              tuple(s.key for s in ps.solutions), ps.explanation,
                              f.company.name_ko or f.company.name_en))
    return out


def rank_opportunities(firm: Firm, opportunities: OpportunityIndex | Sequence[Opportunity], ctx: MatchContext,
                       limit: int = 20, embedding: NDArray[np.float32] | None = None) -> list[RankedOpportunity]:
    """Opportunities for a firm, best first (ties by ocid); a firm without solutions gets an empty list."""
    index = opportunities if isinstance(opportunities, OpportunityIndex) else OpportunityIndex.build(
        opportunities, ctx.encoder)
    if index.n == 0 or limit <= 0 or not (firm.company.solutions or firm.company.capabilities):
        return []
    w = ctx.weights.normalised()
    text = firm_text(firm.company)
    # the firm's best solution decides: one query row per solution, best cosine per opportunity
    q = embedding if embedding is not None else _embed(solution_texts(firm.company), ctx)
    q = q.reshape(-1, index.embeddings.shape[1]).T
    s_ix = {s: i for i, s in enumerate(index.service_names)}
    b_ix = {s: i for i, s in enumerate(index.sub_names)}
    offered = {(s.service, s.sub_solution) for s in firm.company.solutions} | set(firm.company.capabilities)
    bm = index.bm25_scores(sorted(set(tokenize([text])[0])))
    # Cosines only where they can matter: the firm's services (contiguous row blocks) and notices sharing a
    # word with it; a notice of another service with no shared word gets no text credit.
    cos = np.full(index.n, -1.0, dtype=np.float32)
    for service in {sv for sv, _ in offered}:
        if service in s_ix and s_ix[service] in index.blocks:
            a, b = index.blocks[s_ix[service]]
            cos[a:b] = (index.block(a, b) @ q).max(axis=1)
    extra = np.flatnonzero((bm > 0) & (cos == -1.0))
    if len(extra):
        cos[extra] = (index.rows(extra) @ q).max(axis=1)
    pre = w["text"] * _text_vector(cos, bm, ctx)
    fit = np.zeros(index.n)
    for service, sub in offered:
        same = index.service == s_ix.get(service, -2)
        if not same.any():
            continue
        unknown = same & ((index.sub < 0) | (sub is None))
        exact = same & (index.sub == b_ix.get(sub or "", -2))
        fit = np.maximum(fit, np.where(exact, 1.0, np.where(unknown, 0.7, np.where(same, 0.5, 0.0))))
    pre += w["service"] * fit
    table = np.array([P.experience_fit(P.experience(firm.company, c, ctx.region_of)) for c in index.country_names]
                     + [0.0])
    pre += w["experience"] * table[index.country]
    support = np.array([P.support_fit(ctx.support.get(c, frozenset())) for c in index.country_names] + [0.0])
    pre += w["support"] * support[index.country]
    scored = sorted(((score_pair(index.opportunities[i], firm, float(cos[i]), float(bm[i]), ctx, False).score, int(i))
                     for i in _shortlist(pre, limit)), key=lambda t: (-t[0], index.opportunities[t[1]].notice.ocid))
    out = []
    for _, i in scored[:limit]:
        o = index.opportunities[i]
        ps = score_pair(o, firm, float(cos[i]), float(bm[i]), ctx)
        assert ps.explanation is not None
        out.append(RankedOpportunity(o.notice.ocid, o.notice.title, ps.score, ps.parts, ps.explanation))
    return out
