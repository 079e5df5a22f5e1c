"""Alerts: profile criteria (AND across kinds, code tree one level up or down), cut-off, Atom XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.alerts import (
    ATOM,
    AlertHit,
    AlertMatcher,
    AlertProfile,
    atom_feed,
    match_profile,
    match_profiles,
    new_hits,
)
from kscity.core.match import Opportunity
from kscity.errors import InvalidInput
from kscity.model.opportunity import Classification, ItemCode, Notice, SourceRef

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def opp(ocid: str, *, service: str | None = "safety", country: str = "MEX", title: str = "Sistema de videovigilancia",
        codes: tuple[tuple[str, str], ...] = (("CPV", "35125300-2"),), value: float | None = 2e6,
        days: int = 1) -> Opportunity:
    n = Notice(ocid, SourceRef("test", ocid, url=f"https://example.org/{ocid}"), title, country=country,
               value_usd=value, published=T0 + timedelta(days=days),
               items=tuple(ItemCode(s, c) for s, c in codes))
    return Opportunity(n, Classification(service, None, 0.9) if service else None)


@pytest.mark.parametrize(("profile", "hit"), [
    (AlertProfile("p", "x", services=frozenset({"safety"})), True),
    (AlertProfile("p", "x", services=frozenset({"eco"})), False),
    (AlertProfile("p", "x", countries=frozenset({"MEX", "COL"})), True),
    (AlertProfile("p", "x", keywords=("VIDEOVIGILÂNCIA",)), True),  # case and accents folded
    (AlertProfile("p", "x", codes=("CPV:35125000",)), True),  # one level up
    (AlertProfile("p", "x", codes=("35125310",)), True),  # one level down (bare code = CPV)
    (AlertProfile("p", "x", codes=("CPV:35120000",)), False),  # two levels up
    (AlertProfile("p", "x", codes=("UNSPSC:35125300",)), False),  # another scheme
    (AlertProfile("p", "x", min_value_usd=1e6), True),
    (AlertProfile("p", "x", min_value_usd=5e6), False),
    (AlertProfile("p", "x", services=frozenset({"safety"}), countries=frozenset({"KEN"})), False),  # AND
])
def test_criteria(profile: AlertProfile, hit: bool) -> None:
    assert (match_profile(profile, opp("a")) is not None) is hit


def test_unspsc_one_level() -> None:
    o = opp("u", codes=(("UNSPSC", "46171610"),))
    assert match_profile(AlertProfile("p", "x", codes=("UNSPSC:46171600",)), o) is not None
    assert match_profile(AlertProfile("p", "x", codes=("UNSPSC:46170000",)), o) is None


@given(st.lists(st.integers(0, 30), max_size=12), st.integers(0, 30))
def test_only_new_items_after_cutoff(days: list[int], cut: int) -> None:
    items = [opp(f"o{i}", days=d) for i, d in enumerate(days)]
    hits = new_hits(AlertProfile("p", "x", services=frozenset({"safety"})), items, T0 + timedelta(days=cut))
    assert {h.opportunity.notice.ocid for h in hits} == {f"o{i}" for i, d in enumerate(days) if d > cut}
    stamps = [h.opportunity.notice.published for h in hits]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


def test_empty_profile_is_refused() -> None:
    with pytest.raises(InvalidInput, match="p7: empty"):
        new_hits(AlertProfile("p7", "x", keywords=("  ",)), [opp("a")], None)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_atom_feed(lang: str) -> None:
    p = AlertProfile("p1", "CCTV 멕시코", language=lang, services=frozenset({"safety"}))  # type: ignore[arg-type]
    hits = new_hits(p, [opp("a", days=2), opp("b", days=3), opp("c", service="eco")], None)
    xml = atom_feed(p, hits, updated=T0, feed_id="urn:kscity:alerts:p1", self_url="https://k/alerts/p1.atom")
    root = ET.fromstring(xml.split("?>", 1)[1])
    ns = {"a": ATOM}
    entries = root.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns) for e in entries] == ["urn:kscity:alerts:p1:b", "urn:kscity:alerts:p1:a"]
    assert entries[0].find("a:link", ns).get("href") == "https://example.org/b"  # type: ignore[union-attr]
    summary = entries[0].findtext("a:summary", namespaces=ns) or ""
    assert ("일치 조건" in summary) is (lang == "ko") and "safety" in summary
    assert root.findtext("a:updated", namespaces=ns) == T0.isoformat()


# One-pass matching of many profiles must give exactly what the one-pair rule gives, reasons and order included.
WORDS = ["Sistema", "de", "videovigilância", "VIDEOVIGILANCIA", "agua", "Água", "відеоспостереження", "ß", "strasse",
         "CCTV", "영상", "e\u0301", "é", "ia d", "x\x00y"]
CODES = [("CPV", "35125300-2"), ("CPV", "35125000"), ("CPV", "35120000"), ("CPV", "35125310"), ("CPV", "45000000"),
         ("UNSPSC", "46171610"), ("UNSPSC", "46171600"), ("UNSPSC", "46170000"), ("OTHER", "351253"), ("CPV", "")]
texts = st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join)
opportunities = st.builds(
    lambda i, service, country, title, codes, value, days: opp(f"o{i}", service=service, country=country,
                                                               title=title, codes=tuple(codes), value=value,
                                                               days=days),
    st.integers(0, 5), st.sampled_from([None, "safety", "eco"]), st.sampled_from(["MEX", "UKR", "PRT"]), texts,
    st.lists(st.sampled_from(CODES), max_size=3), st.sampled_from([None, 0.0, 5e5, 2e6]), st.integers(0, 3))
profiles = st.builds(
    lambda services, countries, keywords, codes, value: AlertProfile(
        "p", "x", services=frozenset(services), countries=frozenset(countries), keywords=tuple(keywords),
        codes=tuple(codes), min_value_usd=value),
    st.sets(st.sampled_from(["safety", "eco", "energy"]), max_size=2), st.sets(st.sampled_from(["MEX", "UKR"]),
                                                                                 max_size=2),
    st.lists(st.sampled_from([*WORDS, " agua ", ""]), max_size=3),
    st.lists(st.sampled_from(["CPV:35125000", "35125300", "CPV:35120000", "UNSPSC:46171600", "UNSPSC:46171610",
                              "OTHER:351253", "CPV:45"]), max_size=2),
    st.sampled_from([None, 0.0, 1e6])).filter(
        lambda p: bool(p.services or p.countries or [k for k in p.keywords if k.strip()] or p.codes or p.min_value_usd))


def _view(hits: list[AlertHit]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(h.opportunity.notice.ocid, h.reasons_en, h.reasons_ko) for h in hits]


@given(st.lists(opportunities, max_size=12), st.lists(profiles, min_size=1, max_size=4), st.data())
def test_one_pass_matching_equals_the_pair_rule(opps: list[Opportunity], ps: list[AlertProfile],
                                                data: st.DataObject) -> None:
    starts = [data.draw(st.integers(0, len(opps))) for _ in ps]
    got = match_profiles(ps, opps, starts)
    assert [_view(g) for g in got] == [_view(new_hits(p, opps[s:], None)) for p, s in zip(ps, starts, strict=True)]


def test_a_text_holding_nul_is_still_searched_exactly() -> None:
    opps = [opp("a", title="Sistema de\x00 agua"), opp("b", title="agua"), opp("c", title="nada")]
    m = AlertMatcher(opps)
    assert [h.opportunity.notice.ocid for h in m.hits(AlertProfile("p", "x", keywords=("de\x00 ag",)))] == ["a"]
    assert [h.opportunity.notice.ocid for h in m.hits(AlertProfile("p", "x", keywords=("AGUA",)))] == ["b", "a"]


def test_an_empty_profile_is_refused_by_the_one_pass_matcher_too() -> None:
    with pytest.raises(InvalidInput, match="p7: empty"):
        match_profiles([AlertProfile("p7", "x", keywords=("  ",))], [opp("a")])
