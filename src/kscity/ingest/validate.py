"""kscity's own checks on the OCDS fields it relies on, and optional full JSON-schema validation, in plain words.

Every error names the JSON path, what was expected and what came, e.g.
"tender.value.amount must be a number, got 'N/A'".
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import pycountry
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

from kscity.ingest.items import ReadError
from kscity.ingest.keyscan import keyscan
from kscity.model.times import utc_naive

_DATE_KEYS_SUFFIX = ("Date", "date")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=1)
def _currency_bytes() -> frozenset[bytes]:
    return frozenset(c.encode() for c in _currencies())


def is_currency(code: object) -> bool:
    """True for an ISO 4217 alphabetic code such as 'EUR'."""
    return isinstance(code, str) and code in _currencies()


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 date or date-time ('2017-05-27', '2014-12-17T16:44:56Z', with offsets); None if not ISO. A time
    with an offset comes back in UTC without one, as the store keeps times: a database column without a time zone
    would otherwise keep the publisher's wall-clock time on SQLite and the UTC time on PostgreSQL (12:00+01:00 was
    12:00 on one and 11:00 on the other)."""
    found = _as_written(value)
    return _in_utc(found) if found is not None and found.tzinfo else found


def is_iso_datetime(value: str) -> bool:
    """Whether parse_datetime reads `value`: the checks ask only that, of a release's ten or so dates each, and
    the move to UTC they do not need was a tenth of checking (only on the first and last days a datetime can
    hold can that move fail)."""
    found = _as_written(value)
    return found is not None and (not found.tzinfo or 1 < found.year < 9999 or _in_utc(found) is not None)


def _in_utc(found: datetime) -> datetime | None:
    """An aware time in UTC without an offset; None when UTC takes it past what a datetime holds (0001-01-01
    at +05:00 is the year 0 in UTC)."""
    try:
        return utc_naive(found)
    except OverflowError:
        return None


def _as_written(value: str) -> datetime | None:
    """parse_datetime's time, in the offset it was written with (if any)."""
    text = value.strip()
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None  # fromisoformat in 3.11 also takes '20180507', which OCDS does not allow
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time()) if len(text) == 10 else None
        except ValueError:
            return None


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "…"


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _walk(node: Any, path: str, where: str, errors: list[ReadError]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            # OCDS 1.0 used "amount" for Value objects too (transactions, planning.budget): those are walked
            if key == "amount" and (isinstance(value, bool) or not isinstance(value, dict | list | int | float | None)):
                errors.append(
                    ReadError(
                        where,
                        f"{sub} must be a number, got {_show(value)}",
                        f"{sub}는 숫자여야 합니다 (받은 값 {_show(value)})",
                        sub,
                    )
                )
            elif key == "currency" and value is not None and not is_currency(value):
                errors.append(
                    ReadError(
                        where,
                        f"{sub} must be an ISO 4217 currency code such as 'EUR', got {_show(value)}",
                        f"{sub}는 'EUR' 같은 ISO 4217 통화 코드여야 합니다 (받은 값 {_show(value)})",
                        sub,
                    )
                )
            elif key.endswith(_DATE_KEYS_SUFFIX) and isinstance(value, str) and value.strip():
                if not is_iso_datetime(value):
                    errors.append(
                        ReadError(
                            where,
                            f"{sub} must be an ISO 8601 date such as '2019-06-27T00:00:00Z', got {_show(value)}",
                            f"{sub}는 '2019-06-27T00:00:00Z' 같은 ISO 8601 날짜여야 합니다 (받은 값 {_show(value)})",
                            sub,
                        )
                    )
            elif isinstance(value, dict | list):
                _walk(value, sub, where, errors)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict | list):
                _walk(value, f"{path}[{index}]", where, errors)


_PLAIN, _AMOUNT, _CURRENCY, _DATE = range(4)
_KEY_KINDS: dict[str, int] = {}  # OCDS repeats a small vocabulary of keys: classify each once


def _key_kind(key: str) -> int:
    kind = (_AMOUNT if key == "amount" else _CURRENCY if key == "currency"
            else _DATE if key.endswith(_DATE_KEYS_SUFFIX) else _PLAIN)
    if len(_KEY_KINDS) < 50_000:  # bounded, whatever keys a file invents
        _KEY_KINDS[key] = kind
    return kind


def _clean(node: Any) -> bool:
    """_walk's checks without building a path per key (which cost most of it): True when _walk finds nothing."""
    if isinstance(node, dict):
        kinds = _KEY_KINDS
        for key, value in node.items():
            kind = kinds.get(key)
            if kind is None:
                kind = _key_kind(key)
            if kind == _AMOUNT and (isinstance(value, bool) or not isinstance(value, dict | list | int | float | None)):
                return False
            if kind == _CURRENCY and value is not None and not is_currency(value):
                return False
            if kind == _DATE and isinstance(value, str) and value.strip():
                if not is_iso_datetime(value):
                    return False
            elif isinstance(value, dict | list) and not _clean(value):
                return False
        return True
    if isinstance(node, list):
        for v in node:
            if isinstance(v, dict | list) and not _clean(v):
                return False
    return True


# Canonical JSON bytes (items.canonical_bytes) have no whitespace, and inside a string only '"', '\\' and control
# characters are escaped, so a quote there is always '\\"'. The checks look for the literal keys with bytes.find,
# not re: three regex scans of a release's ~9 KB took 240,000 instructions of an ingest's 3.6 million per release
# (valgrind, bench/count_ingest_instructions.py), the finds and what follows them 147,000.
_AMOUNT_KEY = b'"amount":'  # text, true or false after it; also a key ending in \"amount: unsure, fine
_CURRENCY_KEY = b'"currency":'
_DATE_KEY = b'ate":"'  # the text value of a key ending in Date/date, when the byte before is 'D' or 'd'
_QUOTE, _BACKSLASH, _D, _LOWER_D = 0x22, 0x5C, 0x44, 0x64
_TEXT_OR_BOOL = frozenset(b'"tf')
# the text of a date whose value holds an escape: the string up to its closing (unescaped) quote
_ESCAPED_TEXT = re.compile(rb'((?:[^"\\]|\\.)*)"', re.DOTALL)
_SCAN = keyscan()  # the C pass when the build has it, else scan_keys


def clean_canonical(data: bytes) -> bool:
    """_clean's verdict read from the release's canonical JSON bytes, about twice as fast.

    True only when _clean would say True: every error _clean finds shows in the bytes. It may say False
    when _clean would not (a key ending in \\"amount or \\"currency, a key ending in the escape \\u001d + "ate"):
    then check_release runs _walk, which decides. A key is a string followed by ':', and a string's closing
    quote is the only unescaped '"' that can follow a letter, so 'e":' ends a key and 'Date":"' starts the text
    value of a key ending in 'Date' (letters are never escaped; no key can be found inside a string).
    """
    dates = _SCAN(data, _currency_bytes()) if _SCAN is not None else scan_keys(data, _currency_bytes())
    if dates is None:
        return False
    seen: set[bytes] = set()  # a release repeats its dates ('candidate' is a date key, 'rate' not)
    for raw in dates:
        if raw not in seen:
            seen.add(raw)
            text: str = orjson.loads(b'"' + raw + b'"') if _BACKSLASH in raw else raw.decode()
            if text.strip() and not is_iso_datetime(text):
                return False
    return True


def scan_keys(data: bytes, codes: frozenset[bytes]) -> list[bytes] | None:
    """clean_canonical's scan of the bytes: None if an "amount" is text, true or false, or a "currency" is not one
    of `codes` nor null (or a date's text has no end); else the raw texts (escapes kept) of the values of keys
    ending in Date/date, in order. The C module kscity.ingest._keyscan does the same in one pass (setup.py builds
    it with the compiled modules): these three bytes.find scans were 12 % of the reading process's time."""
    find = data.find
    size = len(data)
    at = find(_AMOUNT_KEY)
    while at >= 0:
        at += len(_AMOUNT_KEY)
        if at >= size or data[at] in _TEXT_OR_BOOL:
            return None
        at = find(_AMOUNT_KEY, at)
    at = find(_CURRENCY_KEY)
    while at >= 0:
        at += len(_CURRENCY_KEY)
        if at < size and data[at] == _QUOTE:
            end = find(b'"', at + 1)
            if end < 0 or data[at + 1 : end] not in codes:  # an escape inside ('\\' before the quote) is never a code
                return None
            at = end + 1
        elif not data.startswith(b"null", at):
            return None  # a number, object, list, true or false
        at = find(_CURRENCY_KEY, at)
    dates: list[bytes] = []
    at = find(_DATE_KEY)
    while at >= 0:
        start = at + len(_DATE_KEY)
        if at == 0 or data[at - 1] not in (_D, _LOWER_D):
            at = find(_DATE_KEY, at + 1)
            continue
        end = find(b'"', start)
        if end < 0:  # not JSON: never so for canonical bytes, but the walk decides rather than a loop for ever
            return None
        raw = data[start:end]
        if _BACKSLASH in raw:  # the quote found may be escaped: read the string to its real end
            found = _ESCAPED_TEXT.match(data, start)
            if found is None:
                return None
            raw, end = found.group(1), found.end() - 1
        dates.append(raw)
        at = find(_DATE_KEY, end + 1)
    return dates


def check_release(release: object, where: str, canonical: bytes | None = None) -> list[ReadError]:
    """kscity's checks: an object with ocid and id, numeric amounts, ISO 4217 currencies, ISO 8601 dates.

    canonical, when given, must be items.canonical_bytes(release) of the release as it is now.
    """
    if not isinstance(release, dict):
        return [
            ReadError(
                where,
                f"a release must be a JSON object, got {_type_name(release)}",
                f"릴리스는 JSON 객체여야 합니다 (받은 값: {_type_name(release)})",
            )
        ]
    errors: list[ReadError] = []
    for key, ko in (("ocid", "ocid"), ("id", "id")):
        value = release.get(key)
        if not isinstance(value, str) or not value.strip():
            got = "nothing" if value is None else _show(value)
            errors.append(
                ReadError(
                    where, f"{key} is required (text), got {got}", f"{ko}가 필요합니다 (텍스트, 받은 값 {got})", key
                )
            )
    # most releases are clean: the walk that names paths runs only for the others. The reader passes the
    # canonical bytes it hashes anyway (items.canonical_bytes of this very release), read at C speed
    clean = clean_canonical(canonical) if canonical is not None else _clean(release)
    if not clean:
        _walk(release, "", where, errors)
    return errors


class SchemaChecker:
    """Full JSON-schema validation against a local OCDS release schema (never fetched from the internet)."""

    def __init__(self, schema_path: Path) -> None:
        with open(schema_path, encoding="utf-8") as handle:
            schema = json.load(handle)
        # release-schema.json only refers to its own #/definitions, so no resolver can reach the network
        self._validator = Draft4Validator(schema)

    def check(self, release: dict[str, Any], where: str) -> list[ReadError]:
        """Schema errors in plain words, at most 20 per release."""
        out: list[ReadError] = []
        for error in self._validator.iter_errors(release):
            out.append(_schema_error(error, where))
            if len(out) >= 20:
                break
        return out


def _schema_error(error: ValidationError, where: str) -> ReadError:
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in error.absolute_path).replace(".[", "[")
    label = path or "the release"
    if error.validator == "type":
        expected = (
            error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        )
        en = f"{label} must be of type {expected}, got {_show(error.instance)}"
        ko = f"{label}의 형식은 {expected}이어야 합니다 (받은 값 {_show(error.instance)})"
    elif error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        en = f"{label} is missing the required field '{missing}'"
        ko = f"{label}에 필수 항목 '{missing}'이 없습니다"
    elif error.validator == "enum":
        en = f"{label} must be one of {error.validator_value}, got {_show(error.instance)}"
        ko = f"{label}는 {error.validator_value} 중 하나여야 합니다 (받은 값 {_show(error.instance)})"
    else:
        en = f"{label}: {error.message}"
        ko = f"{label}: 스키마 위반 ({error.validator})"
    return ReadError(where, en, ko, path)
