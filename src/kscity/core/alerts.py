"""Saved-search alerts (pure): which opportunities match a profile and are new since a cut-off; Atom feed XML.

A profile holds any of: services, countries, keywords, codes (CPV/UNSPSC, matching the same code or one
level up or down the code tree, as UNGM's alerts do), a minimum value. Every kind given must match
(AND); within a kind any value may match (OR). A profile with nothing in it is refused.

`match_profile` is the rule for one pair. Checking 1,000 profiles against 100,000 notices that way is 10⁸
calls, so `AlertMatcher` indexes a run's opportunities once (services, countries and values as arrays, the
folded texts as one string searched once per distinct keyword, item codes by code and by parent code): a
profile then costs a few array operations, and only its hits get reasons. Tests hold both paths equal.
"""

from __future__ import annotations

import bisect
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal
from xml.etree import ElementTree as ET

import numpy as np
from numpy.typing import NDArray

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


@cache
def _combining_marks() -> NDArray[np.bool_]:
    """Which code points are combining marks (built once, on the first non-ASCII text)."""
    marks = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
    marks[[cp for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))]] = True
    return marks


def _fold(text: str) -> str:
    """Lower-case without accents, so 'videovigilância' finds 'Videovigilancia'."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    # NFKD splits accents off their letters; they are then dropped as one array operation, not per character
    points = np.frombuffer(unicodedata.normalize("NFKD", folded).encode("utf-32-le", "surrogatepass"), np.uint32)
    return points[~_combining_marks()[points]].tobytes().decode("utf-32-le", "surrogatepass")


def _parse_code(code: str) -> tuple[str, tuple[str, ...]]:
    scheme, _, value = code.partition(":") if ":" in code else ("CPV", "", code)
    return scheme.upper(), code_levels(scheme, value)


ItemCodes = list[tuple[str, tuple[str, ...], str]]


def _item_codes(o: Opportunity) -> ItemCodes:
    """(scheme, levels, code) of each coded item of the notice."""
    return [(i.scheme.upper(), code_levels(i.scheme, i.code), i.code) for i in o.notice.items if i.code]


def _code_hits(mine: Sequence[tuple[str, tuple[str, ...]]], theirs: ItemCodes) -> list[str]:
    """The notice's item codes equal to, or one level above or below, one of the profile's codes."""
    return sorted({code for s, lv, code in theirs for ms, mlv in mine
                   if s == ms and (d := code_distance(lv, mlv)) is not None and d <= 1})


def _raw_hay(o: Opportunity) -> str:
    n = o.notice
    return " ".join((n.title, n.description, *(i.description for i in n.items)))


def _reasons(p: AlertProfile, service: str | None, country: str | None, found: Sequence[str],
             codes: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The reasons in English and Korean, one per kind the profile gives."""
    en: list[str] = []
    ko: list[str] = []
    if p.services:
        en.append(f"service {service}")
        ko.append(f"서비스 {service}")
    if p.countries:
        en.append(f"country {country}")
        ko.append(f"국가 {country}")
    if found:
        en.append("keywords " + ", ".join(found))
        ko.append("키워드 " + ", ".join(found))
    if codes:
        en.append("codes " + ", ".join(codes))
        ko.append("코드 " + ", ".join(codes))
    if p.min_value_usd:
        en.append(f"value ≥ USD {p.min_value_usd:,.0f}")
        ko.append(f"금액 {p.min_value_usd:,.0f} 달러 이상")
    return tuple(en), tuple(ko)


def match_profile(p: AlertProfile, o: Opportunity) -> AlertHit | None:
    """The hit with its reasons when the opportunity meets every criterion of the profile, else None."""
    n = o.notice
    if p.services and o.service not in p.services:
        return None
    if p.countries and n.country not in p.countries:
        return None
    words = [k for k in p.keywords if k.strip()]
    found: list[str] = []
    if words:
        hay = _fold(_raw_hay(o))
        found = [k for k in words if _fold(k.strip()) in hay]
        if not found:
            return None
    codes: list[str] = []
    if p.codes:
        codes = _code_hits([_parse_code(c) for c in p.codes], _item_codes(o))
        if not codes:
            return None
    if p.min_value_usd and (n.value_usd is None or n.value_usd < p.min_value_usd):
        return None
    return AlertHit(o, *_reasons(p, o.service, n.country, found, codes))


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


Mask = NDArray[np.bool_]


def _stamp(when: datetime | None) -> float:
    """Seconds for ordering; naive times are UTC, as the store keeps them; unknown sorts oldest."""
    if when is None:
        return float("-inf")
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


class AlertMatcher:
    """The opportunities of one run, indexed for matching many profiles in one pass."""

    def __init__(self, opportunities: Sequence[Opportunity]) -> None:
        """Index the criteria every profile kind reads (text and codes lazily, when a profile needs them)."""
        self.opportunities = tuple(opportunities)
        opps = self.opportunities
        self._services = {s: i for i, s in enumerate(sorted({o.service for o in opps if o.service}))}
        self._countries = {c: i for i, c in enumerate(sorted({o.notice.country for o in opps if o.notice.country}))}
        self._service = np.array([self._services.get(o.service or "", -1) for o in opps], dtype=np.int64)
        self._country = np.array([self._countries.get(o.notice.country or "", -1) for o in opps], dtype=np.int64)
        self._service_list: list[int] = self._service.tolist()
        self._country_list: list[int] = self._country.tolist()
        self._value = np.array([np.nan if o.notice.value_usd is None else o.notice.value_usd for o in opps],
                               dtype=np.float64)
        # hits are listed newest first (ties: ocid, descending), as new_hits lists them
        order = sorted(range(len(opps)), key=lambda i: (_stamp(opps[i].notice.published or
                                                               opps[i].notice.source.published),
                                                        opps[i].notice.ocid), reverse=True)
        self._rank = np.empty(len(opps), dtype=np.int64)
        self._rank[np.array(order, dtype=np.int64)] = np.arange(len(opps), dtype=np.int64)
        self._text: str | None = None
        self._hays: list[str] = []
        self._offsets: list[int] = []
        self._keyword_masks: dict[str, Mask] = {}
        self._by_code: dict[tuple[str, str], list[int]] | None = None
        self._by_parent: dict[tuple[str, str], list[int]] = {}
        self._codes_of: list[ItemCodes] = []

    @property
    def n(self) -> int:
        """Number of opportunities."""
        return len(self.opportunities)

    def _keyword(self, folded: str) -> Mask:
        """Which opportunities contain the (folded) keyword: one scan of all texts per distinct keyword."""
        hit = self._keyword_masks.get(folded)
        if hit is not None:
            return hit
        if self._text is None:
            # all texts folded as one string (folding never crosses the NUL between two of them), unless a
            # text holds a NUL itself: then each is folded and searched on its own
            raw = [_raw_hay(o) for o in self.opportunities]
            joined = "\x00".join(raw)
            if joined.count("\x00") == len(raw) - 1:
                self._text = _fold(joined)
                self._offsets = [0]
                for h in self._text.split("\x00"):
                    self._offsets.append(self._offsets[-1] + len(h) + 1)
            else:
                self._text, self._hays = "", [_fold(r) for r in raw]
        mask = np.zeros(self.n, dtype=np.bool_)
        if not folded:
            mask[:] = True
        elif self._hays:
            mask[:] = [folded in h for h in self._hays]
        elif "\x00" not in folded:  # with one, it cannot be in texts that hold none
            text, offsets = self._text, self._offsets
            pos = text.find(folded)
            while pos != -1:
                doc = bisect.bisect_right(offsets, pos) - 1
                mask[doc] = True
                pos = text.find(folded, offsets[doc + 1])
        self._keyword_masks[folded] = mask
        return mask

    def _code(self, code: str) -> Mask:
        """Opportunities with an item code equal to, or one level above or below, the profile's code."""
        if self._by_code is None:
            self._by_code = {}
            self._codes_of = [_item_codes(o) for o in self.opportunities]
            for i, theirs in enumerate(self._codes_of):
                for scheme, levels, _ in theirs:
                    self._by_code.setdefault((scheme, levels[-1]), []).append(i)
                    if len(levels) > 1:
                        self._by_parent.setdefault((scheme, levels[-2]), []).append(i)
        scheme, levels = _parse_code(code)
        rows = self._by_code.get((scheme, levels[-1]), []) + self._by_parent.get((scheme, levels[-1]), [])
        if len(levels) > 1:
            rows += self._by_code.get((scheme, levels[-2]), [])
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[rows] = True
        return mask

    def hits(self, p: AlertProfile, start: int = 0) -> list[AlertHit]:
        """The profile's hits among opportunities[start:], newest first; refuses an empty profile."""
        validate_profile(p)
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[start:] = True
        if p.services:
            mask &= np.isin(self._service, [self._services[s] for s in p.services if s in self._services])
        if p.countries:
            mask &= np.isin(self._country, [self._countries[c] for c in p.countries if c in self._countries])
        if p.min_value_usd:
            mask &= self._value >= p.min_value_usd
        words = [k for k in p.keywords if k.strip()]
        keyword_masks: list[Mask] = []
        if words and mask.any():
            keyword_masks = [self._keyword(_fold(k.strip())) for k in words]
            mask &= np.logical_or.reduce(keyword_masks)
        if p.codes and mask.any():
            mask &= np.logical_or.reduce([self._code(c) for c in p.codes])
        rows = np.flatnonzero(mask)
        rows = rows[np.argsort(self._rank[rows], kind="stable")]
        mine = [_parse_code(c) for c in p.codes]
        columns = [m[rows].tolist() for m in keyword_masks]
        reasons: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}  # hits share few reasons
        out = []
        opps, service, country = self.opportunities, self._service_list, self._country_list
        for j, i in enumerate(rows.tolist()):
            found = tuple(k for k, c in zip(words, columns, strict=True) if c[j]) if words else ()
            codes = tuple(_code_hits(mine, self._codes_of[i])) if mine else ()
            key = (service[i], country[i], found, codes)
            why = reasons.get(key)
            if why is None:
                o = opps[i]
                why = reasons[key] = _reasons(p, o.service, o.notice.country, found, codes)
            out.append(AlertHit(opps[i], *why))
        return out


def match_profiles(profiles: Sequence[AlertProfile], opportunities: Sequence[Opportunity],
                   starts: Sequence[int] | None = None) -> list[list[AlertHit]]:
    """Each profile's hits among opportunities[starts[i]:] (all when no starts), newest first, in one pass."""
    matcher = AlertMatcher(opportunities)
    return [matcher.hits(p, starts[i] if starts is not None else 0) for i, p in enumerate(profiles)]


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
