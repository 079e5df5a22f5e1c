"""Locale negotiation and gettext catalogs (ko, en) merged from every domain `.po` file.

Each feature area keeps its own domain file, `<locale>/LC_MESSAGES/<domain>.po`, so that
nobody edits one big catalog at the same time; at first use all domains of a locale are read
with Babel and merged into one `Translations` object. Msgids are English. No compile step:
the merged catalog is compiled to `.mo` bytes in memory.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from kscity.web.i18n.formatting import format_date, format_language, format_money, format_number, format_percent

__all__ = [
    "DEFAULT_LOCALE",
    "I18N_DIR",
    "SUPPORTED",
    "CatalogConflict",
    "domain_files",
    "format_date",
    "format_language",
    "format_money",
    "format_number",
    "format_percent",
    "get_translations",
    "gettext",
    "load_catalog",
    "negotiate_locale",
    "ngettext",
    "supported_locale",
]

SUPPORTED: tuple[str, ...] = ("ko", "en")
DEFAULT_LOCALE = "ko"
I18N_DIR = Path(__file__).resolve().parent
# base.po holds the shared frame (header, footer, macros); read first so that a feature domain
# that repeats one of its msgids is reported rather than silently winning.
_BASE_DOMAIN = "base"


class CatalogConflict(ValueError):
    """Two domain files of one locale translate the same msgid differently."""


def _primary_tag(tag: str) -> str:
    """'en-GB' / 'en_GB' / 'EN' → 'en'."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


def supported_locale(tag: str | None) -> str | None:
    """The supported locale a language tag names ('en-US' → 'en'), or None."""
    if not tag:
        return None
    code = _primary_tag(tag)
    return code if code in SUPPORTED else None


def _accept_language_tags(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first (RFC 9110 q-values)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate_locale(query_lang: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick the page locale: `?lang=` beats the cookie, which beats Accept-Language; else 'ko'."""
    for explicit in (query_lang, cookie):
        chosen = supported_locale(explicit)
        if chosen:
            return chosen
    for tag in _accept_language_tags(accept_language or ""):
        chosen = supported_locale(tag)
        if chosen:
            return chosen
    return DEFAULT_LOCALE


def domain_files(locale: str, root: Path = I18N_DIR) -> list[Path]:
    """The `.po` files of one locale: `base.po` first, then the other domains by name."""
    files = sorted((root / locale / "LC_MESSAGES").glob("*.po"))
    return sorted(files, key=lambda path: (path.stem != _BASE_DOMAIN, path.name))


def load_catalog(locale: str, root: Path = I18N_DIR) -> Catalog:
    """All domains of `locale` merged into one Babel catalog; raises CatalogConflict on clashes."""
    if locale not in SUPPORTED:
        raise ValueError(f"unsupported locale {locale!r}; expected one of {SUPPORTED}")
    # Plural rules come from the locale (CLDR via Babel), the same for every domain file.
    merged = Catalog(locale=locale, domain="kscity")
    origin: dict[Any, str] = {}
    for path in domain_files(locale, root):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=path.stem)
        for message in catalog:
            if not message.id:
                continue  # the header entry
            key = (message.id, message.context)
            existing = merged.get(message.id, context=message.context)
            if existing is not None and existing.string and message.string:
                if existing.string != message.string:
                    raise CatalogConflict(
                        f"{locale}: msgid {message.id!r} is {existing.string!r} in {origin[key]} "
                        f"but {message.string!r} in {path.name}"
                    )
                continue
            if existing is not None and existing.string and not message.string:
                continue
            merged.add(message.id, message.string, flags=message.flags, context=message.context)
            origin[key] = path.name
    return merged


@lru_cache(maxsize=len(SUPPORTED))
def get_translations(locale: str) -> Translations:
    """The merged, compiled translations of `locale` (cached for the life of the process)."""
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(locale), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain="kscity")


def gettext(locale: str, msgid: str, **kwargs: Any) -> str:
    """Translate `msgid` into `locale`; `%(name)s` placeholders are filled from `kwargs`."""
    text = get_translations(locale).ugettext(msgid)
    return text % kwargs if kwargs else text


def ngettext(locale: str, singular: str, plural: str, n: int, **kwargs: Any) -> str:
    """Plural-aware gettext; `num` is available to the message as `%(num)s`."""
    text = get_translations(locale).ungettext(singular, plural, n)
    return text % {"num": n, **kwargs}
