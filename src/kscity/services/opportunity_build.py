"""Turn stored releases into opportunities: compile per ocid, link across sources, classify, merge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.core.classify import classify_many
from kscity.core.dedupe import blocking_keys, features_of, match_against
from kscity.ingest import compile_releases, notice_from_release
from kscity.model.opportunity import Classification, Notice
from kscity.model.serialize import notice_from_json, notice_to_json
from kscity.store.tables.pipeline import LinkKeyRow, NoticeLinkRow, OpportunityRow, ReleaseRow
from kscity.store.tables.reference import FxRateRow

STAGE_ORDER = ("planning", "tender", "award", "contract", "implementation")
MAX_CANDIDATES = 50


@dataclass
class FxTable:
    """Annual USD rates by currency; a missing year falls back to the nearest year known."""

    rates: dict[str, dict[int, float]]

    @classmethod
    def load(cls, session: Session) -> FxTable:
        """The shipped table, from the store."""
        rates: dict[str, dict[int, float]] = {}
        for r in session.scalars(select(FxRateRow)):
            rates.setdefault(r.currency, {})[r.year] = r.usd_per_unit
        return cls(rates)

    def lookup(self, currency: str, year: int) -> float | None:
        """USD per unit of a currency in a year (USD is 1)."""
        if currency == "USD":
            return 1.0
        by_year = self.rates.get(currency.upper())
        if not by_year:
            return None
        best = min(by_year, key=lambda y: (abs(y - year), -y))
        return by_year[best]


def _compiled_notice(rows: list[ReleaseRow], fx: FxTable) -> Notice:
    ocds = [r for r in rows if r.kind == "ocds"]
    latest = notice_from_json(rows[-1].notice)
    if not ocds:
        return _merge([notice_from_json(r.notice) for r in rows])
    releases = sorted((r.payload for r in ocds), key=lambda p: (str(p.get("date") or ""), str(p.get("id") or "")))
    compiled = compile_releases(releases)
    notice = notice_from_release(compiled, source=ocds[-1].source, fx=fx.lookup)
    fill = {k: getattr(latest, k) for k in ("country", "language", "buyer") if not getattr(notice, k)}
    return replace(notice, **fill) if fill else notice


def _merge(notices: list[Notice]) -> Notice:
    """One view of a project from its linked notices: the first for identity, others fill what it lacks."""
    first = notices[0]
    fields: dict[str, Any] = {}
    for name in ("description", "country", "buyer", "procurement_method", "value", "currency", "value_usd",
                 "tender_deadline", "published", "language"):
        if not getattr(first, name):
            fields[name] = next((getattr(n, name) for n in notices[1:] if getattr(n, name)), getattr(first, name))
    fields["stage"] = max((n.stage for n in notices), key=STAGE_ORDER.index)
    items = {(i.scheme, i.code): i for n in notices for i in n.items}
    docs = {(d.title, d.url): d for n in notices for d in n.documents}
    return replace(first, items=tuple(items.values()), documents=tuple(docs.values()), **fields)


def publisher_prefix(ocid: str) -> str:
    """The part of an id that names its publisher: 'ocds-b5fd17-' of an OCDS ocid, 'ted-' of a TED notice."""
    parts = ocid.split("-")
    return "-".join(parts[:2]) + "-" if parts[0] == "ocds" and len(parts) > 2 else parts[0] + "-"


def _link(session: Session, notice: Notice) -> tuple[int | None, float, tuple[str, ...]]:
    keys = blocking_keys(features_of(notice))
    if not keys:
        return None, 1.0, ()
    # a publisher's own ids are authoritative: only notices of other publishers (another ocid prefix, e.g.
    # ocds-b5fd17- for UK Contracts Finder, ted- for TED) can be the same project under another id
    cand = (select(LinkKeyRow.ocid).join(NoticeLinkRow, NoticeLinkRow.ocid == LinkKeyRow.ocid)
            .where(LinkKeyRow.key.in_(sorted(keys)), ~NoticeLinkRow.ocid.startswith(publisher_prefix(notice.ocid)))
            .distinct().limit(MAX_CANDIDATES))
    cand_ocids = session.scalars(cand).all()
    others = (session.scalars(select(NoticeLinkRow).where(NoticeLinkRow.ocid.in_(cand_ocids))).all()
              if cand_ocids else [])
    if not others:
        return None, 1.0, ()
    by_ocid = {link.ocid: link for link in others}
    hits = match_against(notice, [notice_from_json(link.notice) for link in others])
    if not hits:
        return None, 1.0, ()
    best, score, reasons = hits[0]
    return by_ocid[best.ocid].opportunity_id, score, reasons


def _search_text(n: Notice) -> str:
    codes = (f"{i.scheme} {i.code} {i.description}" for i in n.items)
    parts = [n.title, n.description, n.buyer, n.country or "", *codes]
    return " ".join(p for p in parts if p).casefold()[:20000]


def _merged_view(session: Session, opp: OpportunityRow) -> Notice:
    links = session.scalars(select(NoticeLinkRow).where(NoticeLinkRow.opportunity_id == opp.id)
                            .order_by(NoticeLinkRow.ocid)).all()
    notices = [notice_from_json(link.notice) for link in links]
    primary = next((n for n in notices if n.ocid == opp.ocid), notices[0])
    return _merge([primary, *[n for n in notices if n is not primary]])


def _write_opportunity(opp: OpportunityRow, merged: Notice, c: Classification) -> None:
    opp.title, opp.description, opp.language = merged.title, merged.description, merged.language
    opp.country, opp.buyer, opp.procurement_method = merged.country, merged.buyer, merged.procurement_method
    opp.stage, opp.value, opp.currency, opp.value_usd = merged.stage, merged.value, merged.currency, merged.value_usd
    opp.published, opp.tender_deadline = merged.published, merged.tender_deadline
    as_json = notice_to_json(merged)
    opp.items, opp.documents = as_json["items"], as_json["documents"]
    opp.service, opp.sub_solution, opp.class_score = c.service, c.sub_solution, c.score
    opp.class_method, opp.evidence = c.method, list(c.evidence)
    opp.search_text = _search_text(merged)
    opp.updated_at = datetime.now(UTC).replace(tzinfo=None)


def rebuild_opportunities(*, session: Session, ocids: Iterable[str], fx: FxTable) -> int:
    """Recompile the given ocids, link new ones to existing opportunities or create them; returns how many."""
    touched: set[int] = set()
    for ocid in sorted(set(ocids)):
        rows = list(session.scalars(select(ReleaseRow).where(ReleaseRow.ocid == ocid).order_by(ReleaseRow.id)))
        if not rows:
            continue
        notice = _compiled_notice(rows, fx)
        link = session.get(NoticeLinkRow, ocid)
        if link is not None:
            link.notice = notice_to_json(notice)
            touched.add(link.opportunity_id)
            continue
        opp_id, score, reasons = _link(session, notice)
        if opp_id is None:
            opp = OpportunityRow(ocid=ocid, updated_at=datetime.now(UTC).replace(tzinfo=None))
            session.add(opp)
            session.flush()
            opp_id = opp.id
        session.add(NoticeLinkRow(ocid=ocid, opportunity_id=opp_id, source=notice.source.source,
                                  url=notice.source.url, link_score=score, link_reasons=list(reasons),
                                  notice=notice_to_json(notice)))
        session.flush()
        session.add_all(LinkKeyRow(key=k[:200], ocid=ocid) for k in blocking_keys(features_of(notice)))
        touched.add(opp_id)
    session.flush()
    opps = [r for r in (session.get(OpportunityRow, i) for i in sorted(touched)) if r is not None]
    merged = [_merged_view(session, r) for r in opps]
    # one classifier call per batch: the text encoder is fast on a batch and slow one text at a time
    for opp_row, notice, c in zip(opps, merged, classify_many(merged), strict=True):
        _write_opportunity(opp_row, notice, c)
    return len(touched)
