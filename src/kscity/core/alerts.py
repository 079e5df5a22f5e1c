"""Saved-search alerts (pure): which opportunities match a profile and are new since a cut-off; Atom feed XML.

A profile holds any of: services, countries, keywords, codes (CPV/UNSPSC, matching the same code or one
level up or down the code tree, as UNGM's alerts do), a minimum value. Every kind given must match
(AND); within a kind any value may match (OR). A profile with nothing in it is refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from xml.etree import ElementTree as ET

from kscity.core.match.index import Opportunity
from kscity.core.match.parts import code_distance, code_levels
from kscity.errors import InvalidInput

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class AlertProfile:
    """A firm's saved search; codes are "CPV:45233000", "UNSPSC:46171610" or a bare CPV code."""

    profile_id: str
    name: str
    language: Literal["ko", "en"] = "en"
    services: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    min_value_usd: float | None = None
    email: str = ""


@dataclass(frozen=True)
class AlertHit:
    """An opportunity that matched, with the criteria that matched it (in both languages)."""

    opportunity: Opportunity
    reasons_en: tuple[str, ...] = field(default_factory=tuple)
    reasons_ko: tuple[str, ...] = field(default_factory=tuple)


def validate_profile(p: AlertProfile) -> None:
    """Refuse an empty profile or a negative minimum value, naming the profile."""
    if not (p.services or p.countries or [k for k in p.keywords if k.strip()] or p.codes or p.min_value_usd):
        raise InvalidInput(f"alert profile {p.profile_id}: empty (give services, countries, keywords, codes or a "
                           "minimum value)", f"알림 프로필 {p.profile_id}: 조건이 비어 있습니다 (서비스, 국가, "
                           "키워드, 코드 또는 최소 금액을 지정하세요)")
    if p.min_value_usd is not None and p.min_value_usd < 0:
        raise InvalidInput(f"alert profile {p.profile_id}: min_value_usd must be ≥ 0",
                           f"알림 프로필 {p.profile_id}: 최소 금액은 0 이상이어야 합니다")


def _fold(text: str) -> str:
    """Lower-case without accents, so 'videovigilância' finds 'Videovigilancia'."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def _parse_code(code: str) -> tuple[str, tuple[str, ...]]:
    scheme, _, value = code.partition(":") if ":" in code else ("CPV", "", code)
    return scheme.upper(), code_levels(scheme, value)


def match_profile(p: AlertProfile, o: Opportunity) -> AlertHit | None:
    """The hit with its reasons when the opportunity meets every criterion of the profile, else None."""
    en: list[str] = []
    ko: list[str] = []
    n = o.notice
    if p.services:
        if o.service not in p.services:
            return None
        en.append(f"service {o.service}")
        ko.append(f"서비스 {o.service}")
    if p.countries:
        if n.country not in p.countries:
            return None
        en.append(f"country {n.country}")
        ko.append(f"국가 {n.country}")
    words = [k for k in p.keywords if k.strip()]
    if words:
        hay = _fold(" ".join((n.title, n.description, *(i.description for i in n.items))))
        found = [k for k in words if _fold(k.strip()) in hay]
        if not found:
            return None
        en.append("keywords " + ", ".join(found))
        ko.append("키워드 " + ", ".join(found))
    if p.codes:
        mine = [_parse_code(c) for c in p.codes]
        theirs = [(i.scheme.upper(), code_levels(i.scheme, i.code), i.code) for i in n.items if i.code]
        hits = sorted({code for s, lv, code in theirs for ms, mlv in mine
                       if s == ms and (d := code_distance(lv, mlv)) is not None and d <= 1})
        if not hits:
            return None
        en.append("codes " + ", ".join(hits))
        ko.append("코드 " + ", ".join(hits))
    if p.min_value_usd:
        if n.value_usd is None or n.value_usd < p.min_value_usd:
            return None
        en.append(f"value ≥ USD {p.min_value_usd:,.0f}")
        ko.append(f"금액 {p.min_value_usd:,.0f} 달러 이상")
    return AlertHit(o, tuple(en), tuple(ko))


def published_at(o: Opportunity) -> datetime | None:
    """When the notice was published (the notice's date, else its source's)."""
    return o.notice.published or o.notice.source.published


def new_hits(p: AlertProfile, opportunities: Iterable[Opportunity], since: datetime | None) -> list[AlertHit]:
    """Hits published after `since` (all hits when None), newest first; refuses an empty profile."""
    validate_profile(p)
    out = []
    for o in opportunities:
        when = published_at(o)
        if since is not None and (when is None or when <= since):
            continue
        hit = match_profile(p, o)
        if hit is not None:
            out.append(hit)
    out.sort(key=lambda h: (published_at(h.opportunity) or datetime.min, h.opportunity.notice.ocid), reverse=True)
    return out


def atom_feed(p: AlertProfile, hits: Sequence[AlertHit], *, updated: datetime, feed_id: str, self_url: str = "",
              link_for: dict[str, str] | None = None) -> str:
    """An Atom 1.0 feed (RFC 4287) of the hits, in the profile's language."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    ko = p.language == "ko"
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": p.language})
    sub(feed, "id", feed_id)
    sub(feed, "title", f"kscity 알림: {p.name}" if ko else f"kscity alert: {p.name}")
    sub(feed, "updated", updated.isoformat())
    sub(sub(feed, "author"), "name", "kscity")
    if self_url:
        sub(feed, "link", rel="self", href=self_url)
    for h in hits:
        n = h.opportunity.notice
        entry = sub(feed, "entry")
        sub(entry, "id", f"{feed_id}:{n.ocid}")
        sub(entry, "title", n.title or n.ocid)
        sub(entry, "updated", (published_at(h.opportunity) or updated).isoformat())
        href = (link_for or {}).get(n.ocid) or n.source.url
        if href:
            sub(entry, "link", href=href)
        reasons = "; ".join(h.reasons_ko if ko else h.reasons_en)
        sub(entry, "summary", f"{'일치 조건' if ko else 'Matched'}: {reasons}" + (f" — {n.description[:300]}"
                                                                                    if n.description else ""))
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)
