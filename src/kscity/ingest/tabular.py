"""Read opportunity lists kept as CSV or XLSX, with a YAML column mapping (Korean or English headers), row by row."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any

import yaml

from kscity.ingest.items import Accepted, FileSummary, FxLookup, ReadError, ReadItem, Rejected, content_hash, snippet_of
from kscity.ingest.normalize import usd_value
from kscity.ingest.places import country_iso3, language_code
from kscity.ingest.validate import is_currency, parse_datetime
from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef, Stage

_STAGE_WORDS: dict[str, Stage] = {
    "planning": "planning",
    "계획": "planning",
    "기획": "planning",
    "사전": "planning",
    "tender": "tender",
    "입찰": "tender",
    "공고": "tender",
    "award": "award",
    "낙찰": "award",
    "선정": "award",
    "contract": "contract",
    "계약": "contract",
    "implementation": "implementation",
    "이행": "implementation",
    "시행": "implementation",
    "수행": "implementation",
}


def _key(header: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", header.strip().casefold())


@dataclass(frozen=True)
class Mapping:
    """Which header feeds which Notice field, plus the list's defaults."""

    columns: dict[str, list[str]]
    source: str = "table"
    id_prefix: str = "table"
    value_multiplier: float = 1.0
    default_currency: str | None = None
    sheet: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_mapping(path: Path | None = None) -> Mapping:
    """A mapping from a YAML file, or the shipped default (Korean and English headers)."""
    if path is None:
        text = resources.files("kscity.ingest").joinpath("default_mapping.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    columns = {k: [str(h) for h in (v if isinstance(v, list) else [v])] for k, v in (data.get("columns") or {}).items()}
    return Mapping(
        columns=columns,
        source=str(data.get("source") or "table"),
        id_prefix=str(data.get("id_prefix") or data.get("source") or "table"),
        value_multiplier=float(data.get("value_multiplier") or 1),
        default_currency=data.get("default_currency"),
        sheet=data.get("sheet"),
    )


def _table_date(value: object) -> datetime | str | None:
    """A datetime, None when blank, or the text back when it is not a date (the caller reports it)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    text = str(value).strip()
    # Korean lists write 2024.05.31 or 2024/05/31: year first, so unambiguous
    if re.fullmatch(r"\d{4}[./]\d{1,2}[./]\d{1,2}\.?", text):
        y, m, d = re.split(r"[./]", text.rstrip("."))[:3]
        text = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
    return parse_datetime(text) or text


def _number(value: object) -> float | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", "").replace(" ", "")
    try:
        return float(text)
    except ValueError:
        return str(value)


class TableReader:
    """Turns rows (header + values) into accepted or rejected items."""

    def __init__(self, label: str, mapping: Mapping, source: str | None, fx: FxLookup | None, summary: FileSummary):
        self.label, self.mapping, self.fx, self.summary = label, mapping, fx, summary
        self.source = source or mapping.source

    def rows(self, rows: Iterator[list[Any]]) -> Iterator[ReadItem]:
        """Read the header, then one item per non-empty row."""
        header = next(rows, None)
        if header is None:
            error = ReadError(self.label, "the table is empty (no header row)", "표가 비어 있습니다 (머리글 행 없음)")
            self.summary.errors.append(error)
            yield Rejected("file", (error,))
            return
        wanted = {_key(h): name for name, heads in self.mapping.columns.items() for h in heads}
        index = {
            wanted[_key(str(h))]: i
            for i, h in reversed(list(enumerate(header)))
            if h is not None and _key(str(h)) in wanted
        }
        headers = {name: str(header[i]) for name, i in index.items()}
        if "title" not in index:
            error = ReadError(
                f"{self.label} › row 1",
                f"no title column: expected one of {self.mapping.columns.get('title')}, got {[str(h) for h in header]}",
                f"제목 열이 없습니다: {self.mapping.columns.get('title')} 중 하나가 필요합니다",
            )
            self.summary.errors.append(error)
            yield Rejected("row 1", (error,), snippet=snippet_of([str(h) for h in header]))
            return
        for number, row in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in row):
                continue
            record = {name: row[i] if i < len(row) else None for name, i in index.items()}
            yield self._row(record, headers, number)

    def _row(self, record: dict[str, Any], headers: dict[str, str], number: int) -> ReadItem:
        position = f"row {number}"
        where = f"{self.label} › {position}"
        raw = {headers[k]: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in record.items()}
        errors: list[ReadError] = []

        def bad(name: str, en: str, ko: str) -> None:
            errors.append(
                ReadError(where, f"column '{headers[name]}' {en}", f"'{headers[name]}' 열{ko}", headers[name])
            )

        value = _number(record.get("value"))
        if isinstance(value, str):
            bad("value", f"must be a number, got '{value}'", f"은 숫자여야 합니다 (받은 값 '{value}')")
        currency = str(record.get("currency") or self.mapping.default_currency or "").strip().upper() or None
        if currency and not is_currency(currency):
            bad(
                "currency",
                f"must be an ISO 4217 code such as 'KRW', got '{currency}'",
                f"은 ISO 4217 통화 코드여야 합니다 ('{currency}')",
            )
        dates: dict[str, datetime | None] = {}
        for name in ("deadline", "published"):
            parsed = _table_date(record.get(name))
            if isinstance(parsed, str):
                bad(
                    name,
                    f"must be a date like 2024-05-31, got '{parsed}'",
                    f"은 2024-05-31 같은 날짜여야 합니다 ('{parsed}')",
                )
                parsed = None
            dates[name] = parsed
        title = str(record.get("title") or "").strip()
        if not title:
            errors.append(ReadError(where, "title is empty", "제목이 비어 있습니다", headers["title"]))
        digest = content_hash(raw)
        row_id = str(record.get("id") or "").strip() or digest[:16]
        ocid = f"{self.mapping.id_prefix}-{row_id}"
        if errors:
            return Rejected(position, tuple(errors), ocid, row_id, raw, snippet_of(raw))
        amount = None if value is None else float(value) * self.mapping.value_multiplier
        stage_text = str(record.get("stage") or "").strip().casefold()
        stage: Stage = next((s for w, s in _STAGE_WORDS.items() if w in stage_text), "tender")
        items = tuple(
            ItemCode(scheme.upper(), str(record[scheme]).strip())
            for scheme in ("cpv", "unspsc")
            if record.get(scheme) not in (None, "")
        )
        url = str(record.get("url") or "").strip()
        notice = Notice(
            ocid=ocid,
            source=SourceRef(self.source, row_id, url, dates["published"]),
            title=title,
            description=str(record.get("description") or "").strip(),
            language=language_code(str(record.get("language") or "")),
            country=country_iso3(str(record.get("country") or "")),
            buyer=str(record.get("buyer") or "").strip(),
            procurement_method=str(record.get("method") or "").strip(),
            stage=stage,
            value=amount,
            currency=currency,
            value_usd=usd_value(amount, currency, dates["published"] or dates["deadline"], self.fx),
            published=dates["published"],
            tender_deadline=dates["deadline"],
            items=items,
            documents=(Document(title, url),) if url else (),
        )
        return Accepted(notice, raw, ocid, row_id, digest, position)


def csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    """Rows of a CSV byte stream: UTF-8 (with or without BOM), else CP949 as Korean spreadsheets save it."""
    head = stream.peek(65536)[:65536] if hasattr(stream, "peek") else b""
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp949"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    first_line = head.split(b"\n", 1)[0].decode(encoding.replace("-sig", ""), errors="replace")
    delimiter = max((",", "\t", ";"), key=first_line.count)
    yield from csv.reader(text, delimiter=delimiter)


def xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    """Rows of an XLSX sheet read in streaming mode (openpyxl read-only)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        book = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()
