"""Locale-aware display of money, numbers, percentages and dates (data stays ISO and raw).

Money conventions, chosen so that large sums read the way each audience writes them:

* Korean, KRW: 원 below 1만, then 만원 / 억원 / 조원 — "3,500만원", "12.3억원", "1.5조원".
* Korean, other currencies: the same Korean units with the currency's Korean name after a
  space — "12.3억 달러", "4,500만 유로", "1.2조 엔"; amounts under 1만 in full ("8,000 달러").
* English, any currency: ISO code first, then million / billion / trillion —
  "USD 12.3 million", "KRW 1.5 trillion"; under a million in full ("USD 12,345").

A scaled figure keeps one decimal below 100 ("12.3억원", "12억원") and none from 100 up
("1,234억원"). `None` shows as an em dash so that templates need no special case.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal, get_currency_name
from babel.numbers import format_percent as babel_format_percent

__all__ = ["MISSING", "format_date", "format_language", "format_money", "format_number", "format_percent"]

Number = int | float | Decimal
MISSING: Final = "—"

_KO_UNITS: Final = ((Decimal(10) ** 12, "조"), (Decimal(10) ** 8, "억"), (Decimal(10) ** 4, "만"))
_EN_UNITS: Final = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)
# Short everyday names; CLDR's are longer ("미국 달러") and still used for the rest.
_KO_CURRENCY_NAMES: Final = {"USD": "달러", "EUR": "유로", "JPY": "엔", "CNY": "위안", "GBP": "파운드"}


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _scaled(value: Decimal, locale: str) -> str:
    """One decimal below 100, none from 100 up; trailing '.0' dropped."""
    pattern = "#,##0" if abs(value) >= 100 else "#,##0.#"
    return format_decimal(value, format=pattern, locale=locale)


def _whole_or_cents(value: Decimal, locale: str) -> str:
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return format_decimal(value, format=pattern, locale=locale)


def _korean_amount(value: Decimal) -> tuple[str, str]:
    """(figure, unit) in Korean myriad units, e.g. (12.3, '억')."""
    for size, unit in _KO_UNITS:
        if abs(value) >= size:
            return _scaled(value / size, "ko"), unit
    return _whole_or_cents(value, "ko"), ""


def format_money(amount: Number | None, currency: str, locale: str) -> str:
    """Money for the screen: 억원/조원 (억 달러) in Korean, 'USD 12.3 million' in English."""
    if amount is None:
        return MISSING
    value = _decimal(amount)
    code = currency.upper()
    if locale == "ko":
        figure, unit = _korean_amount(value)
        if code == "KRW":
            return f"{figure}{unit}원"
        name = _KO_CURRENCY_NAMES.get(code) or get_currency_name(code, locale="ko")
        return f"{figure}{unit} {name}"
    for size, word in _EN_UNITS:
        if abs(value) >= size:
            return f"{code} {_scaled(value / size, locale)} {word}"
    return f"{code} {_whole_or_cents(value, locale)}"


def format_number(value: Number | None, locale: str, *, decimals: int | None = None) -> str:
    """A grouped number ('12,345.6'); `decimals` fixes the fraction digits."""
    if value is None:
        return MISSING
    if decimals is None:
        return format_decimal(_decimal(value), locale=locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(_decimal(value), format=pattern, locale=locale)


def format_percent(ratio: Number | None, locale: str, *, decimals: int = 1) -> str:
    """A ratio as a percentage: 0.125 → '12.5%'. Pass a ratio, not percentage points."""
    if ratio is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return babel_format_percent(_decimal(ratio), format=pattern, locale=locale)


def format_date(value: date | datetime | str | None, locale: str, *, format: str = "medium") -> str:
    """An ISO date (or date/datetime) shown the local way: '2026. 11. 26.' / 'Nov 26, 2026'."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        parsed: date | datetime = (
            datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
        )
    else:
        parsed = value
    if isinstance(parsed, datetime):
        return babel_format_datetime(parsed, format=format, locale=locale)
    return babel_format_date(parsed, format=format, locale=locale)


def format_language(code: str | None, locale: str) -> str:
    """A notice's language code by its name in the page's language ('nl' → '네덜란드어' / 'Dutch'); an unknown
    code as given, so that nothing is hidden."""
    if not code:
        return MISSING
    try:
        tag = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    name = Locale.parse(locale).languages.get(tag.language)
    return f"{name} ({code})" if name else code
