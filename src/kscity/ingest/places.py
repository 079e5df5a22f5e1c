"""Country codes from what publishers write: ISO codes, TED's UK/EL, names in many languages, web domains."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import urlparse

import pycountry
from babel import Locale

# TED and the EU use these where ISO 3166 differs
_SPECIAL_ALPHA2 = {"UK": "GB", "EL": "GR"}
# CLDR names in these languages cover the publishers kscity reads (OCDS, TED) and Korean lists
_NAME_LOCALES = ("en", "es", "pt", "fr", "uk", "ru", "ro", "ko", "de", "it", "pl", "nl", "sv", "da", "cs", "el")
_EXTRA_NAMES = {"eeuu": "USA", "e.e.u.u.": "USA", "usa": "USA", "u.s.a.": "USA", "great britain": "GBR"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for code in _NAME_LOCALES:
        for territory, name in Locale.parse(code).territories.items():
            if territory in alpha3:
                table.setdefault(_fold(name), alpha3[territory])
    for country in pycountry.countries:
        table.setdefault(_fold(country.name), country.alpha_3)
        for attr in ("official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_fold(value), country.alpha_3)
    for name, iso3 in _EXTRA_NAMES.items():
        table[_fold(name)] = iso3
    return table


@lru_cache(maxsize=4096)
def country_iso3(value: str | None) -> str | None:
    """ISO 3166 alpha-3 code for a code (alpha-2, alpha-3, TED 'UK'/'EL') or a country name; None if unknown."""
    if not value:
        return None
    text = value.strip()
    upper = text.upper()
    if len(upper) == 2 and upper.isalpha():
        country = pycountry.countries.get(alpha_2=_SPECIAL_ALPHA2.get(upper, upper))
        return country.alpha_3 if country else None
    if len(upper) == 3 and upper.isalpha():
        country = pycountry.countries.get(alpha_3=upper)
        if country:
            return str(country.alpha_3)
    return _names().get(_fold(text))


def country_from_url(url: str | None) -> str | None:
    """ISO3 from a country-code top-level domain (".gov.py" → PRY, ".gov.uk" → GBR); None for .com etc."""
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    label = host.rsplit(".", 1)[-1]
    return country_iso3(label) if len(label) == 2 else None


def nuts_country(nuts_code: str | None) -> str | None:
    """ISO3 from a NUTS code's first two letters (TED writes UK for the United Kingdom)."""
    if not nuts_code or len(nuts_code) < 2:
        return None
    return country_iso3(nuts_code[:2])


def language_code(value: str | None) -> str:
    """A lower-case ISO 639-1 code from 'EN', 'en-GB', 'DEU' or 'spa'; the input lower-cased if unknown."""
    if not value:
        return ""
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    if len(primary) == 3:
        lang = pycountry.languages.get(alpha_3=primary)
        if lang is None:
            lang = pycountry.languages.get(bibliographic=primary)
        if lang is not None and getattr(lang, "alpha_2", None):
            return str(lang.alpha_2)
    return primary
