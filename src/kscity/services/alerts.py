"""Alert use cases: manage saved-search profiles, run them (what is new since each profile last ran), deliver.

"New" means matching and not yet delivered to that profile (table alert_delivery), so a notice ingested
late with an old publication date is still reported once. Delivery: the Atom feed per profile (built on
request from the delivered items) and, when an SMTP host is configured, one e-mail digest per profile in
its language.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.core.alerts import AlertHit, AlertProfile, atom_feed, new_hits, validate_profile
from kscity.core.match import Opportunity
from kscity.errors import InvalidInput, NotFound
from kscity.services.matching import opportunity_from_row
from kscity.settings import Settings
from kscity.store.tables.alerts import AlertDeliveryRow, AlertProfileRow
from kscity.store.tables.catalogue import CompanyRow
from kscity.store.tables.pipeline import OpportunityRow

FEED_ITEMS = 100


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


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
                          min_value_usd=min_value_usd, email=email.strip(), created_at=_now())
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


def _opportunities(session: Session) -> list[Opportunity]:
    return [opportunity_from_row(r) for r in session.scalars(select(OpportunityRow).order_by(OpportunityRow.id))]


def _digest(p: AlertProfile, hits: Sequence[AlertHit], smtp: SmtpConfig) -> EmailMessage:
    ko = p.language == "ko"
    msg = EmailMessage()
    msg["Subject"] = (f"[kscity] '{p.name}' 새 사업 기회 {len(hits)}건" if ko else
                      f"[kscity] {len(hits)} new opportunit{'y' if len(hits) == 1 else 'ies'} for '{p.name}'")
    msg["From"] = smtp.sender
    msg["To"] = p.email
    lines = [("다음 사업 기회가 알림 조건과 일치합니다:" if ko else "These opportunities match your alert:"), ""]
    for h in hits:
        n = h.opportunity.notice
        lines += [f"- {n.title or n.ocid} ({n.ocid}, {n.country or '-'})",
                  "  " + ("일치 조건: " if ko else "Matched: ") + "; ".join(h.reasons_ko if ko else h.reasons_en)]
    msg.set_content("\n".join(lines))
    return msg


def run_alerts(*, session: Session, smtp: SmtpConfig | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Run every profile: record what is new for each, e-mail digests when configured; a report per profile."""
    now = now or _now()
    opportunities = _opportunities(session)
    report: list[dict[str, Any]] = []
    total_new = emailed = 0
    for row in session.scalars(select(AlertProfileRow).order_by(AlertProfileRow.id)).all():
        p = _profile(row)
        seen = set(session.scalars(select(AlertDeliveryRow.ocid).where(AlertDeliveryRow.profile_id == row.id)))
        hits = [h for h in new_hits(p, opportunities, None) if h.opportunity.notice.ocid not in seen]
        sent = False
        if hits and smtp is not None and p.email:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as conn:
                conn.send_message(_digest(p, hits, smtp))
            sent = True
            emailed += 1
        for h in hits:
            session.add(AlertDeliveryRow(profile_id=row.id, ocid=h.opportunity.notice.ocid,
                                         title=h.opportunity.notice.title, reasons_en=list(h.reasons_en),
                                         reasons_ko=list(h.reasons_ko), delivered_at=now, emailed=sent))
        row.last_run_at = now
        total_new += len(hits)
        report.append({"id": row.id, "name": row.name, "new_items": len(hits), "emailed": sent,
                       "ocids": [h.opportunity.notice.ocid for h in hits[:50]]})
    session.flush()
    return {"profiles": len(report), "new_items": total_new, "delivered": {"emails": emailed, "feed_items": total_new},
            "runs": report}


def _aware(o: Opportunity) -> Opportunity:
    """Stored times are naive UTC; Atom (RFC 4287) wants an offset on every date."""
    n = o.notice
    if n.published is None or n.published.tzinfo is not None:
        return o
    return replace(o, notice=replace(n, published=n.published.replace(tzinfo=UTC)))


def profile_feed(*, session: Session, profile_id: int, base_url: str = "") -> str:
    """The Atom feed of a profile: its delivered items, newest first, in the profile's language."""
    row = _row(session, profile_id)
    p = _profile(row)
    delivered = session.scalars(select(AlertDeliveryRow).where(AlertDeliveryRow.profile_id == profile_id)
                                .order_by(AlertDeliveryRow.delivered_at.desc(), AlertDeliveryRow.id.desc())
                                .limit(FEED_ITEMS)).all()
    by_ocid = {r.ocid: r for r in session.scalars(select(OpportunityRow).where(
        OpportunityRow.ocid.in_([d.ocid for d in delivered])))}
    hits = [AlertHit(_aware(opportunity_from_row(by_ocid[d.ocid])), tuple(d.reasons_en), tuple(d.reasons_ko))
            for d in delivered if d.ocid in by_ocid]
    base = base_url.rstrip("/")
    updated = (row.last_run_at or row.created_at).replace(tzinfo=UTC)
    return atom_feed(p, hits, updated=updated, feed_id=f"urn:kscity:alert:{profile_id}",
                     self_url=f"{base}/alerts/{profile_id}/feed.atom" if base else "",
                     link_for={h.opportunity.notice.ocid: f"{base}/opportunities/{h.opportunity.notice.ocid}"
                               for h in hits} if base else None)
