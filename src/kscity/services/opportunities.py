"""Opportunity search, one opportunity with its sources and timeline, and the country pipeline summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, load_only

from kscity.core.timeline import Event, day_of, notice_events, timeline
from kscity.errors import InvalidInput, NotFound
from kscity.model.opportunity import NOT_SMART_CITY
from kscity.model.serialize import notice_from_json
from kscity.model.times import utc_naive
from kscity.services.evidence_text import SAME_NUMBER
from kscity.store.tables.pipeline import NoticeLinkRow, OpportunityRow, ReleaseRow
from kscity.store.tables.reference import ServiceRow, SubSolutionRow

STAGES = ("planning", "tender", "award", "contract", "implementation")
STAGE_NAMES = {"planning": ("Planning", "기획"), "tender": ("Tender", "입찰"), "award": ("Award", "낙찰"),
               "contract": ("Contract", "계약"), "implementation": ("Implementation", "이행")}  # (English, Korean)
# what each kind of timeline event (core.timeline.KINDS) says, (English, Korean)
EVENT_NAMES = {"milestone": ("Milestone", "이정표"), "published": ("Notice published", "공고 게시"),
               "enquiries_close": ("Questions close", "질의 마감"), "tender_opens": ("Tenders open", "입찰 시작"),
               "tender_deadline": ("Tender deadline", "입찰 마감"), "award": ("Awarded", "낙찰"),
               "contract_signed": ("Contract signed", "계약 체결"), "contract_start": ("Contract starts", "계약 시작"),
               "contract_end": ("Contract ends", "계약 종료")}
TIMELINE_NOTICES = 1_000  # notices read for one timeline: a long-running contract can have thousands of releases
NOT_SMART_CITY_NAMES = ("Not smart-city", "스마트시티 외")  # (English, Korean), beside the services' own names
SortKey = Literal["deadline", "value", "published", "title"]


def _sources(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every source of each opportunity: each linked ocid, and each publisher format stored under it."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        # the link's columns, not its row: a row also holds the notice and compiled release, packed
        links = session.execute(select(NoticeLinkRow.opportunity_id, NoticeLinkRow.ocid, NoticeLinkRow.source,
                                       NoticeLinkRow.url, NoticeLinkRow.link_score, NoticeLinkRow.link_reasons)
                                .where(NoticeLinkRow.opportunity_id.in_(ids)).order_by(NoticeLinkRow.ocid)).all()
        formats: dict[str, set[str]] = {}
        for ocid, source in session.execute(select(ReleaseRow.ocid, ReleaseRow.source).where(
                ReleaseRow.ocid.in_([link.ocid for link in links])).distinct()):
            formats.setdefault(ocid, set()).add(source)
        for link in links:
            for source in sorted(formats.get(link.ocid) or {link.source}):
                same_id = source != link.source
                out[link.opportunity_id].append({
                    "source": source, "id": link.ocid, "url": link.url,
                    "link_score": 1.0 if same_id else round(link.link_score, 3),
                    "link_reasons": [SAME_NUMBER] if same_id else link.link_reasons})
    return out


def summary(o: OpportunityRow, sources: list[dict[str, Any]], now: datetime | None = None) -> dict[str, Any]:
    """The list shape of an opportunity. `open`: its tender deadline is ahead (None: no deadline known);
    `days_left`: calendar days from today to the deadline, while it is open (0: it closes today)."""
    now = utc_naive(now)
    deadline = o.tender_deadline
    is_open = None if deadline is None else deadline >= now
    return {
        "open": is_open, "days_left": (deadline.date() - now.date()).days if deadline and is_open else None,
        "ocid": o.ocid, "title": o.title, "country": o.country, "buyer": o.buyer, "service": o.service,
        "sub_solution": o.sub_solution, "stage": o.stage, "value": o.value, "currency": o.currency,
        "value_usd": round(o.value_usd, 2) if o.value_usd is not None else None,
        "deadline": o.tender_deadline.isoformat() if o.tender_deadline else None,
        "published": o.published.isoformat() if o.published else None,
        "sources": [s["source"] + ":" + s["id"] for s in sources],
    }


def _filtered(country: str | None, service: str | None, stage: str | None, open_only: bool, q: str | None,
              now: datetime) -> Select[OpportunityRow]:
    stmt = select(OpportunityRow)
    if country:
        stmt = stmt.where(OpportunityRow.country == country.upper())
    if service == "smart_city":
        stmt = stmt.where(OpportunityRow.service != NOT_SMART_CITY)
    elif service:
        stmt = stmt.where(OpportunityRow.service == service)
    if stage:
        if stage not in STAGES:
            raise InvalidInput(f"stage must be one of {', '.join(STAGES)}; got '{stage}'",
                               f"단계는 {', '.join(STAGES)} 중 하나여야 합니다 (입력: '{stage}')")
        stmt = stmt.where(OpportunityRow.stage == stage)
    if open_only:
        stmt = stmt.where(OpportunityRow.tender_deadline >= now)
    for word in (q or "").casefold().split():
        stmt = stmt.where(OpportunityRow.search_text.contains(word, autoescape=True))
    return stmt


def search_opportunities(*, session: Session, country: str | None = None, service: str | None = None,
                         stage: str | None = None, open_only: bool = False, q: str | None = None,
                         sort: SortKey = "deadline", page: int = 1, per_page: int = 50,
                         now: datetime | None = None) -> dict[str, Any]:
    """Filtered, sorted, paginated opportunities; `service="smart_city"` means any of the seven. By deadline: open
    tenders closing soonest first, then closed ones, most recently closed first (an officer looks ahead, and a
    pipeline of past notices should not open on its oldest), then those without a deadline."""
    if page < 1 or not 1 <= per_page <= 1000:
        raise InvalidInput("page must be ≥ 1 and per_page between 1 and 1000",
                           "page는 1 이상, per_page는 1~1000이어야 합니다")
    now = utc_naive(now)
    stmt = _filtered(country, service, stage, open_only, q, now)
    total = _count(session, stmt)
    rows = session.scalars(_ordered(stmt, sort, now).offset((page - 1) * per_page).limit(per_page)).all()
    srcs = _sources(session, [r.id for r in rows])
    return {"total": total, "page": page, "per_page": per_page,
            "items": [summary(r, srcs[r.id], now) for r in rows]}


def count_opportunities(*, session: Session, country: str | None = None, service: str | None = None,
                        stage: str | None = None, open_only: bool = False, q: str | None = None,
                        now: datetime | None = None) -> int:
    """How many opportunities search_opportunities would find with these filters (its `total`), without a page."""
    now = utc_naive(now)
    return _count(session, _filtered(country, service, stage, open_only, q, now))


def _count(session: Session, stmt: Select[OpportunityRow]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


# what `summary` reads: a list does not load each row's description, items, documents and search text
_SUMMARY = load_only(*(getattr(OpportunityRow, name) for name in (
    "id", "ocid", "title", "country", "buyer", "service", "sub_solution", "stage", "value", "currency", "value_usd",
    "tender_deadline", "published")), raiseload=True)


def _ordered(stmt: Select[OpportunityRow], sort: SortKey, now: datetime) -> Select[OpportunityRow]:
    order = {
        # tenders still open first, closing soonest first; then closed ones, most recent first; then none
        "deadline": (OpportunityRow.tender_deadline.is_(None), OpportunityRow.tender_deadline < now,
                     case((OpportunityRow.tender_deadline >= now, OpportunityRow.tender_deadline)).asc(),
                     OpportunityRow.tender_deadline.desc()),
        "value": (OpportunityRow.value_usd.is_(None), OpportunityRow.value_usd.desc()),
        "published": (OpportunityRow.published.is_(None), OpportunityRow.published.desc()),
        "title": (OpportunityRow.title,),
    }[sort]
    return stmt.options(_SUMMARY).order_by(*order, OpportunityRow.id)


def each_opportunity(*, session: Session, country: str | None = None, service: str | None = None,
                     stage: str | None = None, open_only: bool = False, q: str | None = None,
                     sort: SortKey = "deadline", chunk: int = 1000, now: datetime | None = None
                     ) -> Iterator[dict[str, Any]]:
    """Every opportunity search_opportunities would list with these filters, in its order, in the list shape:
    one query read in chunks (paging by offset would sort the whole table again for every page)."""
    now = utc_naive(now)
    stmt = _ordered(_filtered(country, service, stage, open_only, q, now), sort, now)
    for part in session.scalars(stmt.execution_options(yield_per=chunk)).partitions():
        srcs = _sources(session, [r.id for r in part])
        yield from (summary(r, srcs[r.id]) for r in part)


def opportunity_row(session: Session, ocid: str) -> OpportunityRow:
    """The opportunity for an ocid (its own, or any linked notice's); NotFound otherwise."""
    row = session.scalar(select(OpportunityRow).where(OpportunityRow.ocid == ocid))
    if row is None:
        link = session.get(NoticeLinkRow, ocid)
        row = session.get(OpportunityRow, link.opportunity_id) if link else None
    if row is None:
        raise NotFound(f"no opportunity with ocid '{ocid}'", f"ocid '{ocid}'에 해당하는 사업 기회가 없습니다")
    return row


def opportunity_detail(*, session: Session, ocid: str) -> dict[str, Any]:
    """One opportunity: its fields, every linked source, classification with evidence, items, documents."""
    o = opportunity_row(session, ocid)
    srcs = _sources(session, [o.id])[o.id]
    d = summary(o, srcs)
    d.update({"description": o.description, "language": o.language, "procurement_method": o.procurement_method,
              "items": o.items, "documents": o.documents, "linked": srcs,
              "classification": {"service": o.service, "sub_solution": o.sub_solution,
                                 "score": round(o.class_score, 3), "method": o.class_method,
                                 "evidence": o.evidence}})
    events, complete = _timeline(session, sorted({s["id"] for s in srcs} | {o.ocid}))
    d.update({"timeline": [_event(e) for e in events], "timeline_complete": complete})
    return d


def _timeline(session: Session, ocids: list[str]) -> tuple[list[Event], bool]:
    """The opportunity's events from every notice stored under its ocids (at most TIMELINE_NOTICES of them; the
    flag says whether all were read), the earliest-published first so that it is the one an event names, and
    compiled releases last (they repeat their releases)."""
    rows = session.execute(select(ReleaseRow.source, ReleaseRow.release_id, ReleaseRow.kind, ReleaseRow.notice,
                                  ReleaseRow.payload).where(ReleaseRow.ocid.in_(ocids))
                           .order_by(ReleaseRow.id).limit(TIMELINE_NOTICES + 1)).all()
    complete = len(rows) <= TIMELINE_NOTICES
    read = [(kind, source, release_id, notice_from_json(notice), payload)
            for source, release_id, kind, notice, payload in rows[:TIMELINE_NOTICES]]
    # by day (publishers' offsets differ, and some give none), then as stored
    read.sort(key=lambda r: (r[0] == "compiled", day_of(r[3].published) or "9999"))
    events = [e for kind, source, release_id, notice, payload in read
              for e in notice_events(_notice_name(source, release_id), notice,
                                     payload if kind in ("ocds", "compiled") else None, compiled=kind == "compiled")]
    return timeline(events), complete


def _notice_name(source: str, release_id: str) -> str:
    """"source:id" of a stored notice (a TED notice's stored id names its schema already: ted-eforms:067028-2021)."""
    return release_id if release_id.startswith(f"{source}:") else f"{source}:{release_id}"


def _event(e: Event) -> dict[str, Any]:
    """A timeline event as the API gives it: its day, kind and names in both languages; a published notice's
    detail is its stage, named, and any other detail (a supplier, a milestone) is the publisher's own text."""
    en, ko = EVENT_NAMES.get(e.kind, (e.kind, e.kind))
    detail_en, detail_ko = STAGE_NAMES.get(e.detail, (e.detail, e.detail)) if e.kind == "published" else (e.detail,
                                                                                                         e.detail)
    return {"date": e.day, "kind": e.kind, "label": {"en": en, "ko": ko}, "detail": {"en": detail_en, "ko": detail_ko},
            "source": e.source}


def pipeline_summary(*, session: Session, iso3: str) -> dict[str, Any]:
    """Counts and USD value of a country's opportunities by service and by stage."""
    names = {s.id: s for s in session.scalars(select(ServiceRow))}
    by_service = session.execute(select(OpportunityRow.service, func.count(), func.coalesce(func.sum(
        OpportunityRow.value_usd), 0.0)).where(OpportunityRow.country == iso3).group_by(OpportunityRow.service)).all()
    by_stage = session.execute(select(OpportunityRow.stage, func.count(), func.coalesce(func.sum(
        OpportunityRow.value_usd), 0.0)).where(OpportunityRow.country == iso3).group_by(OpportunityRow.stage)).all()
    services = []
    for sid, n, v in sorted(by_service, key=lambda t: (t[0] == NOT_SMART_CITY, -t[1])):
        svc = names.get(sid)
        services.append({"service": sid, "name_en": svc.name_en if svc else NOT_SMART_CITY_NAMES[0],
                         "name_ko": svc.name_ko if svc else NOT_SMART_CITY_NAMES[1], "count": n,
                         "value_usd": float(v or 0.0)})
    stages = [{"stage": s, "count": n, "value_usd": float(v or 0.0)} for s, n, v in
              sorted(by_stage, key=lambda t: STAGES.index(t[0]) if t[0] in STAGES else 9)]
    return {"opportunities": sum(s["count"] for s in services), "value_usd": sum(s["value_usd"] for s in services),
            "by_service": services, "by_stage": stages}


def solution_names(session: Session) -> dict[str, tuple[str, str]]:
    """(English, Korean) names of every service and sub-solution, and of not_smart_city, by id."""
    names = {sid: (en, ko) for sid, en, ko in services_named(session)} | {NOT_SMART_CITY: NOT_SMART_CITY_NAMES}
    for sid, en, ko in session.execute(select(SubSolutionRow.id, SubSolutionRow.name_en, SubSolutionRow.name_ko)):
        names[sid] = (en, ko)
    return names


def services_named(session: Session) -> list[tuple[str, str, str]]:
    """(id, English, Korean) for every service, in the plan's order."""
    return [(s.id, s.name_en, s.name_ko) for s in session.scalars(select(ServiceRow).order_by(ServiceRow.position))]


