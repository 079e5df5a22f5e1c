"""Finding a country from what a user types."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.country_search import CountryName, find_country, normalise
from kscity.reference.files import load_countries, load_country_extras


@pytest.fixture(scope="module")
def names() -> list[CountryName]:
    extras = load_country_extras()
    return [CountryName(c.iso3, c.iso2, c.name_en, c.name_ko, extras[c.iso3].aliases if c.iso3 in extras else ())
            for c in load_countries()]


@pytest.mark.parametrize("query,iso3", [
    ("Vietnam", "VNM"), ("베트남", "VNM"), ("VNM", "VNM"), ("vn", "VNM"), ("Kenia", "KEN"), ("kenya", "KEN"),
    ("케냐", "KEN"), ("Netherland", "NLD"), ("Columbia", "COL"), ("Philipines", "PHL"), ("Côte d'Ivoire", "CIV"),
    ("cote divoire", "CIV"),
])
def test_finds(names: list[CountryName], query: str, iso3: str) -> None:
    assert find_country(query, names).iso3 == iso3


@pytest.mark.parametrize("query", ["Atlantis", "Narnia", "", "zz"])
def test_unknown_gives_no_country(names: list[CountryName], query: str) -> None:
    assert find_country(query, names).iso3 is None


def test_ambiguous_lists_candidates(names: list[CountryName]) -> None:
    r = find_country("dominican", names)
    assert r.iso3 is None and r.ambiguous
    assert {"DOM", "DMA"} <= {c[0] for c in r.candidates}


@given(st.sampled_from(range(249)))
def test_every_code_and_name_finds_itself(names: list[CountryName], i: int) -> None:  # type: ignore[misc]
    c = names[i]
    for q in (c.iso3, c.iso2.lower(), c.name_en, c.name_ko):
        assert find_country(q, names).iso3 == c.iso3, q


def test_normalise_strips_accents_keeps_hangul() -> None:
    assert normalise("Türkiye") == "turkiye"
    assert normalise("대한민국") == "대한민국"
