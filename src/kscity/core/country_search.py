"""Find a country from what a user types: ISO2, ISO3, English or Korean name, forgiving small misspellings."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

ACCEPT_SCORE = 78.0  # "Kenia" scores 80 against "Kenya"; "Atlantis" scores below 70 against every name
MARGIN = 6.0  # the best must beat the next country by this much, or the query is ambiguous


@dataclass(frozen=True)
class CountryName:
    """The names one country answers to."""

    iso3: str
    iso2: str
    name_en: str
    name_ko: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """The country found (iso3) or, when none is sure, the closest candidates."""

    iso3: str | None
    candidates: tuple[tuple[str, str, float], ...]  # (iso3, name, score)
    ambiguous: bool = False


def normalise(text: str) -> str:
    """Casefold, strip accents and punctuation, collapse spaces (Korean syllables stay whole)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or "\uac00" <= ch <= "\ud7a3")
    kept = unicodedata.normalize("NFC", kept).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in kept)
    return " ".join(cleaned.split())


def _keys(c: CountryName) -> list[str]:
    return [k for k in (normalise(n) for n in (c.name_en, c.name_ko, *c.aliases)) if k]


def _score(query: str, choice: str, **_: object) -> float:
    """Whole-name similarity; a query whose words all appear in a longer name scores a little lower."""
    whole = fuzz.ratio(query, choice)
    subset = fuzz.token_set_ratio(query, choice) * 0.95 if len(query) >= 4 else 0.0
    return float(max(whole, subset))


def find_country(query: str, countries: Iterable[CountryName]) -> SearchResult:
    """Resolve a query to one country, or say which candidates come closest."""
    q = normalise(query)
    pool = list(countries)
    if not q:
        return SearchResult(None, ())
    for c in pool:
        if q in (c.iso3.casefold(), c.iso2.casefold()) or q in _keys(c):
            return SearchResult(c.iso3, ((c.iso3, c.name_en, 100.0),))
    choices: dict[int, str] = {}
    owner: dict[int, CountryName] = {}
    for c in pool:
        for key in _keys(c):
            idx = len(choices)
            choices[idx] = key
            owner[idx] = c
    hits = process.extract(q, choices, scorer=_score, limit=40)
    best: dict[str, tuple[str, str, float]] = {}
    for _key, score, idx in hits:
        c = owner[idx]
        if c.iso3 not in best or score > best[c.iso3][2]:
            best[c.iso3] = (c.iso3, c.name_en, round(float(score), 1))
    ranked = sorted(best.values(), key=lambda t: (-t[2], t[0]))[:5]
    if not ranked:
        return SearchResult(None, ())
    top = ranked[0]
    second = ranked[1][2] if len(ranked) > 1 else 0.0
    if top[2] >= ACCEPT_SCORE and top[2] - second >= MARGIN:
        return SearchResult(top[0], tuple(ranked))
    ambiguous = top[2] >= ACCEPT_SCORE
    return SearchResult(None, tuple(c for c in ranked if c[2] >= 50.0), ambiguous=ambiguous)
