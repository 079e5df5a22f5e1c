"""Alert use cases: manage saved-search profiles, run them (what is new since each profile last ran), deliver.

"New" means matching and not yet delivered to that profile (table alert_delivery), so a notice ingested
late with an old publication date is still reported once. A run reads only the opportunities stored or
changed since the earliest last run (less LATE_MARGIN) and matches every profile in one pass
(kscity.core.alerts.AlertMatcher): 1,000 profiles over 100,000 opportunities take seconds, not hours
(bench/bench_alerts.py). Delivery: the Atom feed per profile (built on request from the delivered items)
and, when an SMTP host is configured, one e-mail digest per profile in its language.
"""

from __future__ import annotations

import bisect
import gc
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from msgspec import structs
from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.core.alerts import AlertHit, AlertMatcher, AlertProfile, atom_feed, validate_profile
from kscity.core.match import Opportunity
from kscity.errors import InvalidInput, NotFound
from kscity.model.opportunity import Classification, ItemCode, Notice, SourceRef
from kscity.model.times import utc_naive
from kscity.settings import Settings
from kscity.store.queries.alerts import add_deliveries, delivered_pairs
from kscity.store.tables.alerts import AlertDeliveryRow, AlertProfileRow
from kscity.store.tables.catalogue import CompanyRow
from kscity.store.tables.pipeline import OpportunityRow

FEED_ITEMS = 100
DIGEST_ITEMS = 100  # an e-mail lists this many hits and says how many more the feed holds
MAILS_PER_CONNECTION = 100
# A run looks back this far before a profile's last run: an ingest batch stamped before the run but
# committed after it, or app workers whose clocks differ, must not slip through.
LATE_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class SmtpConfig:
    """Where digests go out (KSCITY_SMTP_HOST/PORT/FROM in the shells)."""

    host: str
    port: int = 25
    sender: str = "kscity@localhost"


def smtp_config_from(settings: Settings) -> SmtpConfig | None:
    """SMTP settings (KSCITY_SMTP_HOST/PORT/FROM); None when no host is set."""
    host = (settings.smtp_host or "").strip()
    if not host:
        return None
    return SmtpConfig(host, settings.smtp_port, settings.smtp_from)


def _profile(row: AlertProfileRow) -> AlertProfile:
    return AlertProfile(str(row.id), row.name, "ko" if row.language == "ko" else "en", frozenset(row.services),
                        frozenset(row.countries), tuple(row.keywords), tuple(row.codes), row.min_value_usd, row.email)


def profile_json(row: AlertProfileRow) -> dict[str, Any]:
    """The public shape of a profile."""
    return {"id": row.id, "firm_id": row.firm_id, "name": row.name, "language": row.language,
            "services": row.services, "countries": row.countries, "keywords": row.keywords, "codes": row.codes,
            "min_value_usd": row.min_value_usd, "email": row.email,
            "last_run_at": row.last_run_at.isoformat() if row.last_run_at else None}


def _clean(values: Sequence[str] | None, upper: bool = False) -> list[str]:
    out = [v.strip().upper() if upper else v.strip() for v in values or () if v and v.strip()]
    return list(dict.fromkeys(out))


def add_profile(*, session: Session, name: str, language: str = "en", firm_id: int | None = None,
                services: Sequence[str] | None = None, countries: Sequence[str] | None = None,
                keywords: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                min_value_usd: float | None = None, email: str = "") -> dict[str, Any]:
    """Save a new profile; refuses an empty one, an unknown language or firm, a malformed e-mail address."""
    if not name.strip():
        raise InvalidInput("alert profile: name is required", "알림 프로필: 이름이 필요합니다")
    if language not in ("ko", "en"):
        raise InvalidInput(f"alert profile: language must be ko or en (got {language!r})",
                           f"알림 프로필: 언어는 ko 또는 en이어야 합니다 (입력값 {language!r})")
    if email and ("@" not in email or " " in email.strip()):
        raise InvalidInput(f"alert profile: email {email!r} is not an e-mail address",
                           f"알림 프로필: {email!r}은(는) 올바른 전자우편 주소가 아닙니다")
    if firm_id is not None and session.get(CompanyRow, firm_id) is None:
        raise NotFound(f"alert profile: no firm with id {firm_id}", f"알림 프로필: ID {firm_id}인 기업이 없습니다")
    row = AlertProfileRow(firm_id=firm_id, name=name.strip()[:200], language=language, services=_clean(services),
                          countries=_clean(countries, upper=True), keywords=_clean(keywords), codes=_clean(codes),
                          min_value_usd=min_value_usd, email=email.strip(), created_at=utc_naive())
    validate_profile(AlertProfile(repr(row.name), row.name, "en", frozenset(row.services), frozenset(row.countries),
                                  tuple(row.keywords), tuple(row.codes), row.min_value_usd))
    session.add(row)
    session.flush()
    return profile_json(row)


def list_profiles(*, session: Session, firm_id: int | None = None) -> list[dict[str, Any]]:
    """Every profile (of one firm when given), oldest first."""
    stmt = select(AlertProfileRow).order_by(AlertProfileRow.id)
    if firm_id is not None:
        stmt = stmt.where(AlertProfileRow.firm_id == firm_id)
    return [profile_json(r) for r in session.scalars(stmt)]


def _row(session: Session, profile_id: int) -> AlertProfileRow:
    row = session.get(AlertProfileRow, profile_id)
    if row is None:
        raise NotFound(f"no alert profile with id {profile_id}", f"알림 프로필 {profile_id}번이 없습니다")
    return row


def delete_profile(*, session: Session, profile_id: int) -> None:
    """Delete a profile and its delivery history; NotFound when absent."""
    session.delete(_row(session, profile_id))


# Light columns: what matching a profile, a digest and a feed entry read (not documents or search text).
_COLUMNS = (OpportunityRow.ocid, OpportunityRow.title, OpportunityRow.description, OpportunityRow.country,
            OpportunityRow.value_usd, OpportunityRow.published, OpportunityRow.items, OpportunityRow.service,
            OpportunityRow.sub_solution)


def _light(row: Any) -> Opportunity:
    """An opportunity from the light columns: enough for alerts, cheaper than the full row."""
    items = tuple(ItemCode(str(i.get("scheme", "")), str(i.get("code", "")), str(i.get("description", "")))
                  for i in (row.items or []) if isinstance(i, dict))
    notice = Notice(ocid=row.ocid, source=SourceRef("kscity", row.ocid, "", row.published), title=row.title,
                    description=row.description, country=row.country, value_usd=row.value_usd,
                    published=row.published, items=items)
    return Opportunity(notice, Classification(row.service, row.sub_solution, 0.0))


def _candidates(session: Session, since: datetime | None) -> tuple[list[Opportunity], list[datetime]]:
    """Opportunities stored or changed after `since` (all when None), oldest change first, with their stamps."""
    stmt = select(*_COLUMNS, OpportunityRow.updated_at).order_by(OpportunityRow.updated_at, OpportunityRow.id)
    if since is not None:
        stmt = stmt.where(OpportunityRow.updated_at > since)
    opps: list[Opportunity] = []
    stamps: list[datetime] = []
    for row in session.execute(stmt):
        opps.append(_light(row))
        stamps.append(row.updated_at)
    return opps, stamps


def _digest(p: AlertProfile, hits: Sequence[AlertHit], smtp: SmtpConfig) -> EmailMessage:
    ko = p.language == "ko"
    msg = EmailMessage()
    msg["Subject"] = (f"[kscity] '{p.name}' 새 사업 기회 {len(hits)}건" if ko else
                      f"[kscity] {len(hits)} new opportunit{'y' if len(hits) == 1 else 'ies'} for '{p.name}'")
    msg["From"] = smtp.sender
    msg["To"] = p.email
    lines = [("다음 사업 기회가 알림 조건과 일치합니다:" if ko else "These opportunities match your alert:"), ""]
    for h in hits[:DIGEST_ITEMS]:
        n = h.opportunity.notice
        lines += [f"- {n.title or n.ocid} ({n.ocid}, {n.country or '-'})",
                  "  " + ("일치 조건: " if ko else "Matched: ") + "; ".join(h.reasons_ko if ko else h.reasons_en)]
    if len(hits) > DIGEST_ITEMS:
        more = len(hits) - DIGEST_ITEMS
        lines += ["", f"외 {more}건은 알림 피드에서 볼 수 있습니다." if ko else
                  f"… and {more} more in the alert's feed."]
    msg.set_content("\n".join(lines))
    return msg


def _send(smtp: SmtpConfig, messages: Sequence[EmailMessage]) -> None:
    """Send the digests, a connection per MAILS_PER_CONNECTION (servers cap messages per session)."""
    for i in range(0, len(messages), MAILS_PER_CONNECTION):
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as conn:
            for msg in messages[i:i + MAILS_PER_CONNECTION]:
                conn.send_message(msg)


@contextmanager
def _cycle_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a first run allocates millions of small acyclic objects (hits, rows)
    that reference counting frees, and repeated full collections over them cost a quarter of the run."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def run_alerts(*, session: Session, smtp: SmtpConfig | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Run every profile: record what is new for each, e-mail digests when configured; a report per profile.

    A profile that ran before looks only at opportunities stored or changed since its last run (less a
    margin for batches committed late and clocks apart), then drops what it already delivered.
    """
    with _cycle_gc_paused():
        return _run(session, smtp, now or utc_naive())


def _run(session: Session, smtp: SmtpConfig | None, now: datetime) -> dict[str, Any]:
    rows = session.scalars(select(AlertProfileRow).order_by(AlertProfileRow.id)).all()
    profiles = [_profile(r) for r in rows]
    for p in profiles:
        validate_profile(p)
    cutoffs = [r.last_run_at - LATE_MARGIN if r.last_run_at else None for r in rows]
    earliest = None if not cutoffs or None in cutoffs else min(c for c in cutoffs if c is not None)
    opportunities, stamps = _candidates(session, earliest)
    matcher = AlertMatcher(opportunities)
    found = [matcher.hits(p, bisect.bisect_right(stamps, c) if c is not None else 0)
             for p, c in zip(profiles, cutoffs, strict=True)]
    seen = delivered_pairs(session, [(r.id, h.opportunity.notice.ocid) for r, hits in zip(rows, found, strict=True)
                                     if r.last_run_at is not None for h in hits])
    new = [[h for h in hits if (r.id, h.opportunity.notice.ocid) not in seen] if r.last_run_at is not None else hits
           for r, hits in zip(rows, found, strict=True)]
    mail = [i for i, (p, hits) in enumerate(zip(profiles, new, strict=True)) if hits and smtp is not None and p.email]
    if smtp is not None and mail:
        _send(smtp, [_digest(profiles[i], new[i], smtp) for i in mail])
    emailed = set(mail)
    total = add_deliveries(session, ((r.id, h.opportunity.notice.ocid, h.opportunity.notice.title, h.reasons_en,
                                      h.reasons_ko, now, i in emailed)
                                     for i, (r, hits) in enumerate(zip(rows, new, strict=True)) for h in hits))
    report: list[dict[str, Any]] = []
    for i, (r, hits) in enumerate(zip(rows, new, strict=True)):
        r.last_run_at = now
        report.append({"id": r.id, "name": r.name, "new_items": len(hits), "emailed": i in emailed,
                       "ocids": [h.opportunity.notice.ocid for h in hits[:50]]})
    session.flush()
    return {"profiles": len(report), "new_items": total, "delivered": {"emails": len(mail), "feed_items": total},
            "runs": report}


def _aware(o: Opportunity) -> Opportunity:
    """Stored times are naive UTC; Atom (RFC 4287) wants an offset on every date."""
    n = o.notice
    if n.published is None or n.published.tzinfo is not None:
        return o
    return replace(o, notice=structs.replace(n, published=n.published.replace(tzinfo=UTC)))


def profile_feed(*, session: Session, profile_id: int, base_url: str = "") -> str:
    """The Atom feed of a profile: its delivered items, newest first, in the profile's language."""
    row = _row(session, profile_id)
    p = _profile(row)
    delivered = session.scalars(select(AlertDeliveryRow).where(AlertDeliveryRow.profile_id == profile_id)
                                .order_by(AlertDeliveryRow.delivered_at.desc(), AlertDeliveryRow.id.desc())
                                .limit(FEED_ITEMS)).all()
    by_ocid = {r.ocid: r for r in session.execute(select(*_COLUMNS).where(
        OpportunityRow.ocid.in_([d.ocid for d in delivered])))}
    hits = [AlertHit(_aware(_light(by_ocid[d.ocid])), tuple(d.reasons_en), tuple(d.reasons_ko))
            for d in delivered if d.ocid in by_ocid]
    base = base_url.rstrip("/")
    updated = (row.last_run_at or row.created_at).replace(tzinfo=UTC)
    return atom_feed(p, hits, updated=updated, feed_id=f"urn:kscity:alert:{profile_id}",
                     self_url=f"{base}/alerts/{profile_id}/feed.atom" if base else "",
                     link_for={h.opportunity.notice.ocid: f"{base}/opportunities/{h.opportunity.notice.ocid}"
                               for h in hits} if base else None)
