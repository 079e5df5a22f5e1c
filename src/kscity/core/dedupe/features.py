"""Normalisation for linkage: text folding, stopwords, abbreviations, numbers and currencies, per-notice features.

Everything the scorer and the blocker compare is computed here once per notice (`features_of`), so
pairwise work only reads ready values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import attrgetter
from typing import Any

from kscity.core.marks import ASCII_NON_WORD, without_marks
from kscity.model.opportunity import Notice

# Letters that NFKD does not decompose into a base letter plus a mark.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ß": "ss"})

# Function words of the EU procurement languages (and Korean particles written apart): they carry no identity.
STOPWORDS = frozenset(
    """
    a an and the of for to in on at by with from or as its into per via
    de la le les des du et au aux en pour sur par un une dans d l
    der die das den dem des und fur von zu im am zum zur mit auf bei ein eine einer eines
    del y el los las para por con al en lo
    do da dos das e o os as no na nos nas para com
    di il lo gli i e per con su nel nella della delle degli dei ai alla
    van het een voor op te met bij en
    w i z na do dla oraz o ze we
    si a al ale cu pe pentru din la
    och for av pa till med
    og for av pa til med
    ja
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

# Words that most tender titles carry: sharing them says nothing about being the same project.
TITLE_GENERIC = frozenset(
    """
    framework agreement contract contracts tender procurement provision supply supplies delivery services
    service works purchase purchasing system dps lot lots notice
    accord cadre marche marches prestations fourniture fournitures travaux
    rahmenvertrag vertrag lieferung leistungen dienstleistungen beschaffung ausschreibung
    acuerdo marco contrato suministro servicios obras
    contratto fornitura servizi lavori
    raamovereenkomst levering diensten
    umowa dostawa dostawy uslugi roboty
    """.split()  # noqa: SIM905
)

# Long forms mapped to one short form, so "Ltd" meets "Limited" and "Dept." meets "Department".
ABBREVIATIONS: dict[str, str] = {
    "limited": "ltd",
    "company": "co",
    "corporation": "corp",
    "incorporated": "inc",
    "public limited company": "plc",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "aktiengesellschaft": "ag",
    "societe anonyme": "sa",
    "sociedad anonima": "sa",
    "societa per azioni": "spa",
    "s p a": "spa",
    "department": "dept",
    "departement": "dept",
    "departamento": "dept",
    "directorate general": "dg",
    "directorate-general": "dg",
    "direction generale": "dg",
    "direzione generale": "dg",
    "generaldirektion": "dg",
    "ministry": "min",
    "ministere": "min",
    "ministerio": "min",
    "ministerium": "min",
    "ministrstvo": "min",
    "university": "univ",
    "universitet": "univ",
    "universite": "univ",
    "universitat": "univ",
    "universidad": "univ",
    "universita": "univ",
    "universiteit": "univ",
    "government": "govt",
    "international": "intl",
    "national": "natl",
    "county council": "cc",
    "co council": "cc",
    "co co": "cc",
    "city council": "cc",
    "borough council": "bc",
    "district council": "dc",
    "national health service": "nhs",
    "foundation trust": "ft",
    "gemeinde": "gem",
    "stadt": "st",
    "commune": "cne",
    "municipality": "mun",
    "kommune": "mun",
    "municipio": "mun",
    "comune": "mun",
    "gmina": "mun",
    "saint": "st",
    "sankt": "st",
    "street": "st",
    "strasse": "str",
}
_ABBREV_ORDER = sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0]))  # longest first
# (first word, pattern, short form): a key can match only where its first word stands as a token, so that is
# checked first; running all 54 patterns on every title and buyer was most of the linkage features' cost
_ABBREV_FIRST = [(k.replace("-", " ").split()[0], re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in _ABBREV_ORDER]

CURRENCY_SYMBOLS: dict[str, str] = {"€": " eur ", "£": " gbp ", "$": " usd ", "¥": " jpy ", "₩": " krw ", "zł": " pln "}
_NUM_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ .,\u00a0\u202f']\d{3})+(?:[.,]\d{1,2})?(?![\d])")
_MULTIPLIERS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(k|m|mio|mln|million|millions|bn|mrd|billion)\b")
_MULT = {"k": 1e3, "m": 1e6, "mio": 1e6, "mln": 1e6, "million": 1e6, "millions": 1e6,
         "bn": 1e9, "mrd": 1e9, "billion": 1e9}
_NON_WORD = re.compile(r"[^\w]+")
# what every match of the two above contains, found several times faster than they are tried: a title without
# a grouped number or a multiplier (most) skips them (_NUM_GROUPED's look-behind keeps re from skipping ahead)
_MAY_GROUP = re.compile(r"\d[ .,\u00a0\u202f']\d{3}")
_MAY_MULTIPLY = re.compile(r"\d\s*[kmb]")


def fold(text: str) -> str:
    """Casefold and strip accents (NFKD without combining marks), keeping letters of every script."""
    text = text.casefold()
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks nor _FOLD letters
        return text
    return without_marks(unicodedata.normalize("NFKD", text.translate(_FOLD)))


def normalise_numbers(text: str) -> str:
    """Write grouped numbers and multipliers as plain integers ("1.200.000", "1,2 Mio" -> "1200000")."""
    if _MAY_GROUP.search(text):
        text = _NUM_GROUPED.sub(_grouped, text)
    return _MULTIPLIERS.sub(_multiplied, text) if _MAY_MULTIPLY.search(text) else text


def _grouped(m: re.Match[str]) -> str:
    return re.sub(r"[ .,\u00a0\u202f']", "", m.group(0)[: len(m.group(0)) - _decimals(m.group(0))])


def _multiplied(m: re.Match[str]) -> str:
    return str(round(float(m.group(1).replace(",", ".")) * _MULT[m.group(2)]))


def _decimals(s: str) -> int:
    # "1.234,56": a final separator followed by 1-2 digits is a decimal part, dropped with its separator
    m = re.search(r"[.,](\d{1,2})$", s)
    return len(m.group(0)) if m else 0


def normalise(text: str) -> str:
    """Fold, normalise currencies, numbers and abbreviations, drop punctuation; the common text form."""
    for sym, code in CURRENCY_SYMBOLS.items():
        text = text.replace(sym, code)
    text = normalise_numbers(fold(text))
    # ASCII text without '_' (most, once folded) split by marks.ASCII_NON_WORD: the same words, one space between
    # each (the sub's runs of one)
    if text.isascii() and "_" not in text:
        text = " ".join(text.translate(ASCII_NON_WORD).split())
    else:
        text = _NON_WORD.sub(" ", text).replace("_", " ")
    words = set(text.split())
    for first, pattern, short in _ABBREV_FIRST:
        if first in words:
            replaced = pattern.sub(short, text)
            if replaced != text:
                text, words = replaced, set(replaced.split())
    return " ".join(text.split())


def tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens without stopwords."""
    return tuple(t for t in normalise(text).split() if t not in STOPWORDS)


@lru_cache(maxsize=4096)
def buyer_tokens(buyer: str) -> tuple[str, ...]:
    """`tokens` of a buyer's name, remembered: a buyer publishes notice after notice under the same name, and
    normalising it again each time was half of the linkage features' cost (titles differ, so they are not kept)."""
    return tokens(buyer)


def acronym(toks: Sequence[str]) -> str:
    """Initials of the tokens ("london borough barnet" -> "lbb"); empty for fewer than two tokens."""
    alpha = [t for t in toks if t[:1].isalpha()]
    return "".join(t[0] for t in alpha) if len(alpha) >= 2 else ""


def cpv_division(code: str) -> str:
    """The CPV division (first two digits) of a code, or "" when it is not a CPV code."""
    digits = code.strip()[:8]
    return digits[:2] if digits[:2].isdigit() else ""


@dataclass(unsafe_hash=True)  # not frozen: a frozen class's __init__ sets each field through object.__setattr__
class NoticeFeatures:
    """The comparable values of one notice, computed once (never changed: pairs of them key a memo)."""

    key: str
    ocid: str
    source: str
    country: str | None
    language: str
    buyer: str
    buyer_tokens: tuple[str, ...]
    buyer_acronym: str
    title: str
    title_tokens: tuple[str, ...]
    value: float | None
    currency: str | None
    value_usd: float | None
    published_day: int | None  # proleptic ordinal
    deadline_day: int | None
    cpv: frozenset[str]
    cpv_main: str | None
    cpv_divisions: frozenset[str]
    embedding: tuple[float, ...] | None = None

    def __reduce__(self) -> tuple[type[NoticeFeatures], tuple[Any, ...]]:
        # pickled by value, a tuple: a compiled class restored field by field would take each through Python
        return (NoticeFeatures, feature_values(self))


# a NoticeFeatures' values in field order, read by one attrgetter, not a loop over fields(): how it pickles, and
# how the reading process sends it (services.opportunity_view.sent_features)
feature_values = attrgetter(*(f.name for f in fields(NoticeFeatures)))


def notice_key(notice: Notice) -> str:
    """The notice's identity across sources: its source name and its id there."""
    return f"{notice.source.source}:{notice.source.notice_id}"


_LANG3 = {"deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "ita": "it", "pol": "pl",
          "por": "pt", "nld": "nl", "dut": "nl", "ron": "ro", "rum": "ro", "ukr": "uk", "kor": "ko", "swe": "sv",
          "dan": "da", "nor": "no", "nob": "no", "fin": "fi", "hun": "hu", "ces": "cs", "cze": "cs", "slk": "sk",
          "slo": "sk", "slv": "sl", "lav": "lv", "lit": "lt", "est": "et", "ell": "el", "gre": "el", "bul": "bg",
          "hrv": "hr", "gle": "ga", "mlt": "mt"}


def language_code(lang: str) -> str:
    """A two-letter language code from "EN", "en-GB", "DEU" or ""."""
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    return _LANG3.get(base, base)


def features_of(notice: Notice, embedding: Sequence[float] | None = None) -> NoticeFeatures:
    """Compute the linkage features of a notice (the title embedding, if any, is computed by the caller)."""
    buyer_toks = buyer_tokens(notice.buyer)
    # the buyer's own name inside a title ("... for Offaly County Council") is compared as the buyer, not as the title
    title_all = tokens(notice.title)
    title_toks = tuple(t for t in title_all if t not in TITLE_GENERIC and t not in buyer_toks) or title_all
    cpv_codes = [i.code.strip()[:8] for i in notice.items if i.scheme.upper() == "CPV" and i.code.strip()]
    return NoticeFeatures(
        key=notice_key(notice),
        ocid=notice.ocid,
        source=notice.source.source,
        country=(notice.country or "").upper() or None,
        language=language_code(notice.language),
        buyer=" ".join(buyer_toks),
        buyer_tokens=buyer_toks,
        buyer_acronym=acronym(buyer_toks),
        title=" ".join(title_toks),
        title_tokens=title_toks,
        value=notice.value if notice.value is not None and notice.value > 0 else None,
        currency=(notice.currency or "").upper() or None,
        value_usd=notice.value_usd if notice.value_usd is not None and notice.value_usd > 0 else None,
        published_day=notice.published.toordinal() if notice.published else None,
        deadline_day=notice.tender_deadline.toordinal() if notice.tender_deadline else None,
        cpv=frozenset(cpv_codes),
        cpv_main=cpv_codes[0] if cpv_codes else None,
        cpv_divisions=frozenset(d for d in (cpv_division(c) for c in cpv_codes) if d),
        embedding=tuple(float(x) for x in embedding) if embedding is not None else None,
    )
