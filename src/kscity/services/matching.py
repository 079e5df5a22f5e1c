"""Matching use cases: firms for an opportunity, opportunities for a firm, over indexes built from the store.

Indexes (embeddings + BM25) are built once per process and reused while the store's opportunities and
companies are unchanged: the cache key is a cheap fingerprint (counts and max ids/updated_at), so repeated
web queries cost one query of the index, not a rebuild.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kscity.core.eligibility import eligible_instruments
from kscity.core.match import (
    Firm,
    FirmIndex,
    MatchContext,
    Opportunity,
    OpportunityIndex,
    RankedFirm,
    RankedOpportunity,
    Weights,
    rank_firms,
    rank_opportunities,
    weights_from_mapping,
)
from kscity.core.match.index import default_encoder, opportunity_text
from kscity.errors import InvalidInput, NotFound
from kscity.model.catalogue import Company
from kscity.model.opportunity import Classification, ItemCode, Notice, SourceRef
from kscity.services.countries import country_terms
from kscity.services.opportunities import opportunity_row
from kscity.store.queries.catalogue import all_companies
from kscity.store.tables.catalogue import CompanyRow, DeploymentRow, ExportRecordRow, SolutionRow
from kscity.store.tables.pipeline import OpportunityRow
from kscity.store.tables.reference import CountryRow, ServiceRow, SubSolutionRow

MAX_LIMIT = 500
_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}


@cache
def weights() -> Weights:
    """The shipped weights (reference/matching/weights.yaml), validated."""
    text = resources.files("kscity.reference").joinpath("matching/weights.yaml").read_text(encoding="utf-8")
    return weights_from_mapping(yaml.safe_load(text), "reference/matching/weights.yaml")


def _db_key(session: Session) -> str:
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)


def _firm_fingerprint(session: Session) -> tuple[Any, ...]:
    row = session.execute(select(func.count(CompanyRow.id), func.max(CompanyRow.id))).one()
    sol = session.execute(select(func.count(SolutionRow.id), func.max(SolutionRow.id),
                                 func.coalesce(func.sum(SolutionRow.trl), 0))).one()
    dep = session.execute(select(func.count(DeploymentRow.id), func.max(DeploymentRow.id))).one()
    exp = session.execute(select(func.count(ExportRecordRow.id), func.max(ExportRecordRow.id))).one()
    return (*row, *sol, *dep, *exp)


def _opportunity_fingerprint(session: Session) -> tuple[Any, ...]:
    return tuple(session.execute(select(func.count(OpportunityRow.id), func.max(OpportunityRow.id),
                                        func.max(OpportunityRow.updated_at))).one())


def _cached(session: Session, kind: str, fingerprint: tuple[Any, ...], build: Any) -> Any:
    key = (_db_key(session), kind)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
        value = build()
        _CACHE[key] = (fingerprint, value)
        return value


def clear_cache() -> None:
    """Forget every cached index (tests, or after a bulk change the fingerprint cannot see)."""
    with _LOCK:
        _CACHE.clear()


def opportunity_from_row(row: OpportunityRow) -> Opportunity:
    """An opportunity row as matching sees it: its compiled notice and its classification."""
    items = tuple(ItemCode(str(i.get("scheme", "")), str(i.get("code", "")), str(i.get("description", "")))
                  for i in (row.items or []) if isinstance(i, dict))
    notice = Notice(ocid=row.ocid, source=SourceRef("kscity", row.ocid, "", row.published), title=row.title,
                    description=row.description, language=row.language, country=row.country, buyer=row.buyer,
                    stage=row.stage, value=row.value, currency=row.currency,  # type: ignore[arg-type]
                    value_usd=row.value_usd, published=row.published, tender_deadline=row.tender_deadline,
                    items=items)
    c = Classification(row.service, row.sub_solution, row.class_score, tuple(str(e) for e in row.evidence or []),
                       row.class_method if row.class_method in ("code", "text", "none") else "none")  # type: ignore[arg-type]
    return Opportunity(notice, c)


def firms_of(companies: list[Company]) -> list[Firm]:
    """Catalogue companies as matching firms (id = the store id as text)."""
    return [Firm(str(c.id), c) for c in companies]


def firm_index(*, session: Session) -> FirmIndex:
    """The index of every catalogue firm (cached while the catalogue is unchanged)."""
    return _cached(session, "firms", _firm_fingerprint(session),  # type: ignore[no-any-return]
                   lambda: FirmIndex.build(firms_of(all_companies(session))))


def opportunity_index(*, session: Session) -> OpportunityIndex:
    """The index of every stored opportunity (cached while the opportunities are unchanged; texts are encoded
    when a query first needs them)."""
    def build() -> OpportunityIndex:
        rows = session.scalars(select(OpportunityRow).order_by(OpportunityRow.id)).all()
        return OpportunityIndex.build([opportunity_from_row(r) for r in rows], lazy=True)

    return _cached(session, "opportunities", _opportunity_fingerprint(session), build)  # type: ignore[no-any-return]


def match_context(*, session: Session) -> MatchContext:
    """Weights, regions, Korean support per country and ko/en labels, read from the store (cached)."""
    fp = (*_opportunity_fingerprint(session), session.scalar(select(func.count(CountryRow.iso3))))
    return _cached(session, "context", fp, lambda: _build_context(session))  # type: ignore[no-any-return]


def _build_context(session: Session) -> MatchContext:
    labels: dict[str, tuple[str, str]] = {}
    region_of: dict[str, str] = {}
    support: dict[str, frozenset[str]] = {}
    used = {c for c in session.scalars(select(OpportunityRow.country).distinct()) if c}
    for row in session.scalars(select(CountryRow)):
        labels[row.iso3] = (row.name_ko, row.name_en)
        region = row.m49_subregion or row.m49_region
        if region:
            region_of[row.iso3] = region
            labels.setdefault(region, (region, region))
        if row.iso3 in used:
            support[row.iso3] = frozenset(v.instrument for v in eligible_instruments(country_terms(row)) if v.eligible)
    for s in session.scalars(select(ServiceRow)):
        labels[s.id] = (s.name_ko, s.name_en)
    for b in session.scalars(select(SubSolutionRow)):
        labels[b.id] = (b.name_ko, b.name_en)
    return MatchContext(weights=weights(), region_of=region_of, support=support, labels=labels)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT} (got {limit})",
                           f"limit은 1~{MAX_LIMIT} 사이여야 합니다 (입력값 {limit})")
    return limit


def ranked_firm_json(r: RankedFirm) -> dict[str, Any]:
    """The public shape of a ranked firm."""
    return {"firm_id": r.firm_id, "firm": r.firm, "firm_ko": r.firm_ko, "score": r.score, "parts": r.parts,
            "solutions": list(r.solutions), "explanation": {"ko": r.explanation.ko, "en": r.explanation.en}}


def ranked_opportunity_json(r: RankedOpportunity) -> dict[str, Any]:
    """The public shape of a ranked opportunity."""
    return {"ocid": r.ocid, "title": r.title, "score": r.score, "parts": r.parts,
            "explanation": {"ko": r.explanation.ko, "en": r.explanation.en}}


@lru_cache(maxsize=4096)
def _query_embedding(text: str) -> NDArray[np.float32]:
    """The normalised embedding of an opportunity's text, kept so a page opened twice is not encoded twice."""
    e = np.asarray(default_encoder([text]), dtype=np.float32)[0]
    out: NDArray[np.float32] = (e / max(float(np.linalg.norm(e)), 1e-12)).astype(np.float32)
    return out


def _rank_firms(session: Session, opp: Opportunity, limit: int) -> list[RankedFirm]:
    ctx = match_context(session=session)
    return rank_firms(opp, firm_index(session=session), ctx, limit=limit,
                      embedding=_query_embedding(opportunity_text(opp.notice)))


def firms_for_opportunity(*, session: Session, ocid: str, limit: int = 20) -> list[dict[str, Any]]:
    """Catalogue firms for an opportunity, best first, with parts, fitting solutions and ko/en reasons."""
    limit = _limit(limit)
    opp = opportunity_from_row(opportunity_row(session, ocid))
    return [ranked_firm_json(r) for r in _rank_firms(session, opp, limit)]


def firm_scores(*, session: Session, ocid: str) -> tuple[Opportunity, dict[str, float]]:
    """The opportunity and every firm's match score for it (firm id → score), for the consortium builder."""
    opp = opportunity_from_row(opportunity_row(session, ocid))
    ranked = _rank_firms(session, opp, max(firm_index(session=session).n, 1))
    return opp, {r.firm_id: r.score for r in ranked}


@dataclass(frozen=True)
class FirmMatches:
    """Opportunities for a firm, or an empty list with the reason (a firm without solutions)."""

    items: list[dict[str, Any]]
    reason_en: str = ""
    reason_ko: str = ""

    def as_json(self) -> dict[str, Any]:
        """The API shape: items and, when empty for a reason, the reason in both languages."""
        return {"items": self.items, "reason": {"ko": self.reason_ko, "en": self.reason_en} if self.reason_en
                else None}


def _firm(session: Session, firm_id: str) -> Company:
    from kscity.store.queries.catalogue import company_by_id

    company = company_by_id(session, int(firm_id)) if firm_id.strip().isdigit() else None
    if company is None:
        raise NotFound(f"no firm with id '{firm_id}' in the catalogue", f"카탈로그에 ID '{firm_id}'인 기업이 없습니다")
    return company


def opportunities_for_firm(*, session: Session, firm_id: str, limit: int = 20) -> FirmMatches:
    """Stored opportunities for a catalogue firm, best first; a firm without solutions gets none, with the reason."""
    limit = _limit(limit)
    company = _firm(session, firm_id)
    if not (company.solutions or company.capabilities):
        return FirmMatches([], f"firm {firm_id} lists no solutions or capabilities, so nothing can be matched",
                           f"기업 {firm_id}에 등록된 솔루션·역량이 없어 매칭할 수 없습니다")
    ranked = rank_opportunities(Firm(str(company.id), company), opportunity_index(session=session),
                                match_context(session=session), limit=limit)
    if not ranked:
        return FirmMatches([], "no opportunities are stored yet (run `kscity ingest`)",
                           "저장된 사업 기회가 없습니다 (`kscity ingest` 실행)")
    return FirmMatches([ranked_opportunity_json(r) for r in ranked])
